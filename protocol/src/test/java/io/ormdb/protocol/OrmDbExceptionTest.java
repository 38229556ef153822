package io.ormdb.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The one mapping from any failure to the error a caller gets. */
class OrmDbExceptionTest {

  @Test
  void aRefusalPassesThroughAsItIs() {
    OrmDbException refusal = OrmDbException.conflict("row changed");
    assertThat(OrmDbException.of(refusal)).isSameAs(refusal);
    assertThat(OrmDbException.of(refusal, "commit")).isSameAs(refusal);
  }

  @Test
  void wrappersOfAsynchronousWorkAreUnwrappedNestedToo() {
    OrmDbException refusal = OrmDbException.notFound("no such thing");
    assertThat(OrmDbException.of(new CompletionException(refusal))).isSameAs(refusal);
    assertThat(OrmDbException.of(new ExecutionException(refusal))).isSameAs(refusal);
    assertThat(
            OrmDbException.of(
                new CompletionException(new ExecutionException(new CompletionException(refusal)))))
        .isSameAs(refusal);

    IllegalStateException bug = new IllegalStateException("boom");
    assertThat(OrmDbException.unwrap(new ExecutionException(new CompletionException(bug))))
        .isSameAs(bug);
    CompletionException empty = new CompletionException("no cause", null);
    assertThat(OrmDbException.unwrap(empty)).isSameAs(empty);
  }

  @Test
  void anythingElseIsInternalNamingTheExceptionAndKeepingItAsCause() {
    IllegalStateException bug = new IllegalStateException("boom");
    OrmDbException e = OrmDbException.of(new CompletionException(bug), "entity shard User|3");
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getMessage())
        .isEqualTo("entity shard User|3 failed: java.lang.IllegalStateException: boom");
    assertThat(e.getCause()).isSameAs(bug);

    OrmDbException request = OrmDbException.of(new NullPointerException());
    assertThat(request.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(request.getMessage())
        .isEqualTo("the request failed: java.lang.NullPointerException");
  }

  @Test
  void anErrorIsInternalToo() {
    StackOverflowError deep = new StackOverflowError();
    OrmDbException e = OrmDbException.of(new CompletionException(deep), "the request");
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getMessage()).contains("StackOverflowError");
    assertThat(e.getCause()).isSameAs(deep);
  }
}

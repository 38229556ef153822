package io.ormdb.examples.docs;

import com.typesafe.config.ConfigFactory;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.result.QueryResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A new in-memory embedded database with the starter schema ({@code examples/schemas/blog.ormdb})
 * and its data ({@code examples/schemas/blog-data.ormql}): what every example of the query-language
 * guide runs against. Statements run as the {@code ormdb} command line runs them: parsed as a
 * script, then each through the embedded {@link OrmDb}.
 */
final class BlogDatabase implements AutoCloseable {
  static final Path ROOT = Path.of("..");
  static final Path SCHEMA = ROOT.resolve("examples/schemas/blog.ormdb");
  static final Path DATA = ROOT.resolve("examples/schemas/blog-data.ormql");

  private final ActorSystem<Void> system;
  private final OrmDb db;

  private BlogDatabase() throws IOException {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "blog-docs",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \":memory:\"\n"
                        + "pekko.actor.serialize-messages = on\n"
                        + "pekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    db = OrmDb.get(system);
    await(db.applySchema(Files.readString(SCHEMA, StandardCharsets.UTF_8)));
    run(Files.readString(DATA, StandardCharsets.UTF_8));
  }

  /** A new database holding the starter schema and data. */
  static BlogDatabase open() throws IOException {
    return new BlogDatabase();
  }

  OrmDb db() {
    return db;
  }

  /**
   * Runs the statements of a script in order, each committed or answered before the next; returns
   * what each returned. The first refused statement throws its {@link OrmDbException}.
   */
  List<Object> run(String script) {
    List<Object> results = new ArrayList<>();
    // as the command line does once the database is open: order keys checked against the schema
    for (Statement s : QueryParser.parseScript(script, db.store().schema())) {
      results.add(run(s));
    }
    return results;
  }

  private Object run(Statement statement) {
    if (statement instanceof Statement.Find f) {
      QueryResult r = await(db.query(f.query()));
      if (f.kind() == Statement.Find.Kind.UNIQUE && r.root().size() > 1) {
        throw OrmDbException.invalid("findUnique() matched " + r.root().size() + " rows");
      }
      return r;
    } else if (statement instanceof Statement.Aggregate a) {
      return await(db.aggregate(a.query()));
    } else if (statement instanceof Statement.Write w) {
      return await(db.mutate(w.batch()));
    }
    Statement.Explain e = (Statement.Explain) statement;
    return await(db.explain(e.query(), e.analyze()));
  }

  /** An error as the command line prints it: {@code error CODE (n): message}. */
  static String render(OrmDbException e) {
    return "error " + e.code().name() + " (" + e.code().code() + "): " + e.getMessage();
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof OrmDbException o) {
        throw o;
      }
      throw new CompletionException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}

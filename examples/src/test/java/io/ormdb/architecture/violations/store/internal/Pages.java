package io.ormdb.architecture.violations.store.internal;

/** An internal class of the pretend store module. */
public final class Pages {
  public long find(long id) {
    return id;
  }
}

package io.ormdb.cdc.query;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.query.ReadJournalProvider;

/** The {@code ormdb.query} read-journal plugin (configured as its {@code class}). */
public final class OrmDbReadJournalProvider implements ReadJournalProvider {
  private final OrmDbReadJournal java;
  private final OrmDbScalaReadJournal scala;

  public OrmDbReadJournalProvider(ExtendedActorSystem system, Config config, String configPath) {
    this.java = new OrmDbReadJournal(system, config);
    this.scala = new OrmDbScalaReadJournal(java);
  }

  @Override
  public OrmDbScalaReadJournal scaladslReadJournal() {
    return scala;
  }

  @Override
  public OrmDbReadJournal javadslReadJournal() {
    return java;
  }
}

package io.ormdb.cdc.query;

import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.scaladsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.scaladsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.scaladsl.EventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.scaladsl.EventsByTagQuery;
import org.apache.pekko.stream.scaladsl.Source;

/** The Scala API of {@code ormdb.query}: the same queries as {@link OrmDbReadJournal}. */
public final class OrmDbScalaReadJournal
    implements EventsByTagQuery,
        CurrentEventsByTagQuery,
        EventsByPersistenceIdQuery,
        CurrentEventsByPersistenceIdQuery {
  private final OrmDbReadJournal java;

  OrmDbScalaReadJournal(OrmDbReadJournal java) {
    this.java = java;
  }

  @Override
  public Source<EventEnvelope, NotUsed> eventsByTag(String tag, Offset offset) {
    return java.eventsByTag(tag, offset).asScala();
  }

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByTag(String tag, Offset offset) {
    return java.currentEventsByTag(tag, offset).asScala();
  }

  @Override
  public Source<EventEnvelope, NotUsed> eventsByPersistenceId(
      String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return java.eventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr).asScala();
  }

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
      String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return java.currentEventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr).asScala();
  }
}

package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ormdb.store.StoreConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The extension's settings come from the commented reference.conf and refuse bad values. */
class OrmDbSettingsTest {
  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
  }

  @Test
  void theDefaults() {
    OrmDbSettings s = OrmDbSettings.create(ConfigFactory.load());
    assertThat(s.store().dataDir()).isEqualTo(StoreConfig.IN_MEMORY);
    assertThat(s.store().durability()).isEqualTo(StoreConfig.Durability.SYNC);
    assertThat(s.store().keepsWholeChangelog()).isTrue();
    assertThat(s.store().consumerHold()).isEqualTo(Duration.ofDays(7));
    assertThat(s.store().cacheMegabytes()).isEqualTo(64);
    assertThat(s.store().commitQueueSize()).isEqualTo(StoreConfig.DEFAULT_COMMIT_QUEUE_SIZE);
    assertThat(s.store().recovery()).isEqualTo(StoreConfig.Recovery.STRICT);
    assertThat(s.callerThreadReads()).isTrue();
    assertThat(s.store().readOnly()).isFalse();
    assertThat(s.plannerHooks()).isEmpty();
    assertThat(s.newHooks()).isSameAs(io.ormdb.actors.planner.PlannerHooks.PASS_THROUGH);
  }

  @Test
  void plannerHooksNameAClassThatImplementsThem() {
    OrmDbSettings s =
        OrmDbSettings.create(
            with("ormdb.embedded.planner-hooks = \"" + CountingHooks.class.getName() + "\""));
    assertThat(s.newHooks()).isInstanceOf(CountingHooks.class);
    assertThatThrownBy(
            () -> OrmDbSettings.create(with("ormdb.embedded.planner-hooks = \"no.such.Hooks\"")))
        .hasMessage(
            "ormdb.embedded.planner-hooks names the class 'no.such.Hooks', which is not found");
    assertThatThrownBy(
            () -> OrmDbSettings.create(with("ormdb.embedded.planner-hooks = java.lang.String")))
        .hasMessage(
            "ormdb.embedded.planner-hooks names java.lang.String, which does not implement"
                + " io.ormdb.actors.planner.PlannerHooks");
  }

  @Test
  void readOnly() {
    OrmDbSettings s =
        OrmDbSettings.create(with("ormdb.data-dir = \"/var/lib/ormdb\"\normdb.read-only = on"));
    assertThat(s.store().readOnly()).isTrue();
    assertThatThrownBy(() -> OrmDbSettings.create(with("ormdb.read-only = on")))
        .hasMessage(
            "ormdb.read-only is on but ormdb.data-dir is :memory: (there is nothing to read)");
    assertThatThrownBy(
            () ->
                OrmDbSettings.create(
                    with(
                        "ormdb.data-dir = \"/var/lib/ormdb\"\normdb.read-only = on\n"
                            + "ormdb.replica.primary = \"pekko://ormdb@10.0.0.5:25520\"")))
        .hasMessage(
            "ormdb.read-only is on but ormdb.replica.primary is set (a replica writes the change"
                + " sets of its primary)");
  }

  @Test
  void overrides() {
    OrmDbSettings s =
        OrmDbSettings.create(
            with(
                "ormdb.cache-size = 8MiB\normdb.changelog-retention = 1h\n"
                    + "ormdb.commit-queue-size = 50\n"
                    + "ormdb.recovery = newest-intact\n"
                    + "ormdb.changelog-consumer-hold = 0s\n"
                    + "ormdb.embedded.caller-thread-reads = off"));
    assertThat(s.store().cacheMegabytes()).isEqualTo(8);
    assertThat(s.store().commitQueueSize()).isEqualTo(50);
    assertThat(s.store().recovery()).isEqualTo(StoreConfig.Recovery.NEWEST_INTACT);
    assertThat(s.store().changelogRetention()).isEqualTo(Duration.ofHours(1));
    assertThat(s.store().consumerHold()).isZero();
    assertThat(s.callerThreadReads()).isFalse();
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> OrmDbSettings.create(with("ormdb.cache-size = 512KiB")))
        .hasMessage("ormdb.cache-size must be at least 1MiB but is 512KiB");
    assertThatThrownBy(() -> OrmDbSettings.create(with("ormdb.commit-queue-size = 0")))
        .hasMessage("ormdb.commit-queue-size must be at least 1 but is 0");
    assertThatThrownBy(() -> OrmDbSettings.create(with("ormdb.durability = sometimes")))
        .hasMessage("ormdb.durability must be one of sync, async but is 'sometimes'");
    assertThatThrownBy(() -> OrmDbSettings.create(with("ormdb.recovery = lenient")))
        .hasMessage("ormdb.recovery must be one of strict, newest-intact but is 'lenient'");
  }
}

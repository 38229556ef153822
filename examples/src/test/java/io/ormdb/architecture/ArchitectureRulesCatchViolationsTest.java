package io.ormdb.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.ormdb.architecture.violations.actors.ActorsUseCdc;
import io.ormdb.architecture.violations.actors.ActorsUseMvstore;
import io.ormdb.architecture.violations.actors.Shard;
import io.ormdb.architecture.violations.cdc.CdcUsesActors;
import io.ormdb.architecture.violations.cdc.Feed;
import io.ormdb.architecture.violations.cdc.journal.Journal;
import io.ormdb.architecture.violations.client.Client;
import io.ormdb.architecture.violations.client.ClientUsesPekko;
import io.ormdb.architecture.violations.client.ClientUsesStore;
import io.ormdb.architecture.violations.examples.ExamplesUseStoreInternals;
import io.ormdb.architecture.violations.node.Node;
import io.ormdb.architecture.violations.node.NodeUsesClient;
import io.ormdb.architecture.violations.protocol.ProtocolUsesPekko;
import io.ormdb.architecture.violations.protocol.ProtocolUsesStore;
import io.ormdb.architecture.violations.protocol.Value;
import io.ormdb.architecture.violations.store.Storage;
import io.ormdb.architecture.violations.store.StoreUsesActors;
import io.ormdb.architecture.violations.store.StoreUsesPekko;
import io.ormdb.architecture.violations.store.internal.Pages;
import io.ormdb.architecture.violations.store.internal.WritesMapsDirectly;
import io.ormdb.architecture.violations.store.internal.file.LoggedMap;
import io.ormdb.architecture.violations.store.internal.file.StoreMaps;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shows that every rule of {@link ModuleRules} can fail: each one, written for the pretend modules
 * under {@code io.ormdb.architecture.violations}, reports the classes placed there to break it, and
 * passes on the pretend modules' allowed classes alone (which its {@code that()} still selects, so
 * that pass is not vacuous either).
 */
class ArchitectureRulesCatchViolationsTest {
  private static final ModuleRules RULES = new ModuleRules("io.ormdb.architecture.violations");
  private static final JavaClasses ALL =
      new ClassFileImporter().importPackages("io.ormdb.architecture.violations");
  private static final JavaClasses ALLOWED =
      new ClassFileImporter()
          .importClasses(
              Value.class,
              Storage.class,
              Pages.class,
              LoggedMap.class,
              StoreMaps.class,
              Shard.class,
              Feed.class,
              Journal.class,
              Node.class,
              Client.class);

  static Stream<Arguments> rules() {
    return Stream.of(
        rule("protocol", ModuleRules::protocol, ProtocolUsesStore.class, ProtocolUsesPekko.class),
        rule("store", ModuleRules::store, StoreUsesActors.class, StoreUsesPekko.class),
        rule("actors", ModuleRules::actors, ActorsUseCdc.class),
        rule("cdc", ModuleRules::cdc, CdcUsesActors.class),
        rule("node", ModuleRules::node, NodeUsesClient.class),
        rule("client", ModuleRules::client, ClientUsesStore.class, ClientUsesPekko.class),
        rule("mvstore", ModuleRules::mvstoreStaysInsideTheStorageEngine, ActorsUseMvstore.class),
        rule(
            "internal",
            ModuleRules::internalPackagesAreUsedOnlyByTheirOwnModule,
            ExamplesUseStoreInternals.class),
        rule(
            "map writes",
            ModuleRules::storeMapsAreWrittenOnlyThroughLoggedMap,
            WritesMapsDirectly.class),
        rule("map opens", ModuleRules::storeMapsAreOpenedOnlyByStoreMaps, WritesMapsDirectly.class),
        rule("cycles", ModuleRules::noPackageCycles, ProtocolUsesStore.class));
  }

  private static Arguments rule(
      String name, Function<ModuleRules, ArchRule> rule, Class<?>... violators) {
    return Arguments.of(name, rule.apply(RULES), List.of(violators));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void reportsTheClassesThatBreakIt(String name, ArchRule rule, List<Class<?>> violators) {
    EvaluationResult result = rule.evaluate(ALL);

    assertThat(result.hasViolation()).as("%s reports a violation", name).isTrue();
    String report = String.join("\n", result.getFailureReport().getDetails());
    for (Class<?> violator : violators) {
      assertThat(report)
          .as("%s names %s", name, violator.getSimpleName())
          .contains(violator.getName());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void passesOnTheAllowedClasses(String name, ArchRule rule, List<Class<?>> violators) {
    EvaluationResult result = rule.evaluate(ALLOWED);

    assertThat(result.getFailureReport().getDetails()).as(name).isEmpty();
  }
}

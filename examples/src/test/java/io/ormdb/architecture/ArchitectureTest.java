package io.ormdb.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Enforces the module dependency direction of the design on the production classes: {@code store →
 * protocol}, {@code actors → store}, {@code cdc → store}, {@code node → actors, cdc}, {@code client
 * → protocol}; Pekko never in protocol, store or client; MVStore ({@code org.h2..}) never outside
 * store and the cdc journal plugin; no package cycles; {@code internal} packages used only by their
 * own module; the store's maps opened only by {@code StoreMaps} and written only through {@code
 * LoggedMap}. The rules are in {@link ModuleRules}; {@link ArchitectureRulesCatchViolationsTest}
 * shows each of them reporting a class set that breaks it.
 *
 * <p>No rule may pass vacuously. ArchUnit's default stays on (a rule whose {@code that()} selects
 * no class fails), and {@link #theImportSeesEveryPopulatedModule()} checks that protocol, store,
 * actors, cdc, node and examples all have classes in the import and that no class lies outside the
 * modules the rules know. {@code bench} is not on this module's classpath and may use anything, so
 * no rule covers it.
 *
 * <p>The {@code client} module has no classes yet, so its rule ({@link ModuleRules#client()}) is
 * not among the rules checked here: {@link #clientIsEmptySoItsRuleCannotPassYet()} asserts that the
 * module is empty and that its rule refuses to pass on these classes. The day client has classes,
 * that test fails; replace it by a plain {@code rules.client().check(classes)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchitectureTest {
  private final ModuleRules rules = new ModuleRules("io.ormdb");
  private JavaClasses classes;

  @BeforeAll
  void importProductionClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ormdb");
  }

  @Test
  void theImportSeesEveryPopulatedModule() {
    var byModule =
        classes.stream()
            .collect(
                Collectors.groupingBy(
                    c -> rules.moduleOf(c).orElse("(none)"), Collectors.counting()));
    assertThat(byModule)
        .as("classes imported per module")
        .containsKeys("protocol", "store", "actors", "cdc", "node", "examples")
        .doesNotContainKey("client");
    List<String> unknown =
        classes.stream()
            .filter(c -> !rules.moduleOf(c).map(ModuleRules.MODULES::contains).orElse(false))
            .map(JavaClass::getName)
            .toList();
    assertThat(unknown).as("classes outside the modules the rules know").isEmpty();
  }

  @Test
  void clientIsEmptySoItsRuleCannotPassYet() {
    assertThat(classes.stream().map(rules::moduleOf).filter(Optional.of("client")::equals))
        .as("client has classes now: check its rule here like the others")
        .isEmpty();
    assertThatThrownBy(() -> rules.client().check(classes))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("failed to check any classes");
  }

  @Test
  void protocolDependsOnNoOtherModuleNorPekkoNorMvstore() {
    rules.protocol().check(classes);
  }

  @Test
  void storeIsPlainJavaOverProtocol() {
    rules.store().check(classes);
  }

  @Test
  void actorsUseOnlyStoreAndProtocol() {
    rules.actors().check(classes);
  }

  @Test
  void cdcUsesOnlyStoreAndProtocol() {
    rules.cdc().check(classes);
  }

  @Test
  void nodeUsesActorsCdcAndWhatTheyUse() {
    rules.node().check(classes);
  }

  @Test
  void mvstoreTypesStayInsideTheStorageEngine() {
    rules.mvstoreStaysInsideTheStorageEngine().check(classes);
  }

  @Test
  void internalPackagesAreUsedOnlyByTheirOwnModule() {
    rules.internalPackagesAreUsedOnlyByTheirOwnModule().check(classes);
  }

  @Test
  void storeMapsAreWrittenOnlyThroughLoggedMap() {
    rules.storeMapsAreWrittenOnlyThroughLoggedMap().check(classes);
  }

  @Test
  void storeMapsAreOpenedOnlyByStoreMaps() {
    rules.storeMapsAreOpenedOnlyByStoreMaps().check(classes);
  }

  @Test
  void noPackageCycles() {
    rules.noPackageCycles().check(classes);
  }
}

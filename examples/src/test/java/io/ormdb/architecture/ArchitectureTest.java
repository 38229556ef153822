package io.ormdb.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Enforces the module dependency direction of the design: {@code store → protocol}, {@code actors →
 * store}, {@code cdc → store}, {@code node → actors, cdc}, {@code client → protocol}; Pekko never
 * in protocol, store or client; MVStore never outside store (and the cdc journal plugin); no
 * package cycles; {@code internal} packages used only by their own module.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchitectureTest {
  private JavaClasses classes;

  @BeforeAll
  void importProductionClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.ormdb");
  }

  @Test
  void theImportSeesEveryPopulatedModule() {
    // Guards against the rules below passing vacuously because nothing was imported.
    org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.ormdb.protocol"))
        .isTrue();
    org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.ormdb.store")).isTrue();
  }

  @Test
  void protocolDependsOnNoOtherModuleNorPekkoNorMvstore() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.ormdb.protocol..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "io.ormdb.store..",
                "io.ormdb.actors..",
                "io.ormdb.cdc..",
                "io.ormdb.node..",
                "io.ormdb.client..",
                "org.apache.pekko..",
                "org.h2..")
            .because("protocol is the shared vocabulary every other module and the client speak"));
  }

  @Test
  void storeIsPlainJavaOverProtocol() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.ormdb.store..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "io.ormdb.actors..",
                "io.ormdb.cdc..",
                "io.ormdb.node..",
                "io.ormdb.client..",
                "org.apache.pekko..",
                "scala..")
            .because("the storage and query engine must be correct and fast on its own, no Pekko"));
  }

  @Test
  void clientNeedsOnlyProtocol() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.ormdb.client..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "io.ormdb.store..",
                "io.ormdb.actors..",
                "io.ormdb.cdc..",
                "io.ormdb.node..",
                "org.apache.pekko..",
                "org.h2..")
            .because("the Java client must not drag the server or Pekko into applications"));
  }

  @Test
  void actorsAndCdcAreSiblingsBelowNode() {
    check(
        noClasses()
            .that()
            .resideInAPackage("io.ormdb.actors..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.ormdb.cdc..", "io.ormdb.node..", "io.ormdb.client..")
            .because("actors → store only; the node wires actors and cdc together"));
    check(
        noClasses()
            .that()
            .resideInAPackage("io.ormdb.cdc..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.ormdb.actors..", "io.ormdb.node..", "io.ormdb.client..")
            .because("cdc → store only; the node wires actors and cdc together"));
  }

  @Test
  void mvstoreTypesStayInsideTheStorageEngine() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackages("io.ormdb.store..", "io.ormdb.cdc.journal..")
            .and()
            .resideInAPackage("io.ormdb..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.h2.mvstore..")
            .because("MVStore is an implementation detail of store and the journal plugin"));
  }

  @Test
  void internalPackagesAreUsedOnlyByTheirOwnModule() {
    for (String module : new String[] {"protocol", "store", "actors", "cdc", "node", "client"}) {
      check(
          noClasses()
              .that()
              .resideOutsideOfPackage("io.ormdb." + module + "..")
              .should()
              .dependOnClassesThat()
              .resideInAPackage("io.ormdb." + module + "..internal..")
              .because("internal packages are not API"));
    }
  }

  @Test
  void noPackageCycles() {
    check(
        slices()
            .matching("io.ormdb.(**)")
            .should()
            .beFreeOfCycles()
            .because("a package graph without cycles can be read top-down"));
  }

  private void check(ArchRule rule) {
    rule.allowEmptyShould(true).check(classes);
  }
}

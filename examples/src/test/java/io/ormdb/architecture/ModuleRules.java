package io.ormdb.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The architecture rules of DESIGN.md, written once for a base package: {@code io.ormdb} for the
 * production classes ({@link ArchitectureTest}) and a test-only package tree that breaks every rule
 * on purpose ({@link ArchitectureRulesCatchViolationsTest}), so that each rule is shown to report a
 * violation and not only to pass.
 *
 * <p>A module is the package {@code <base>.<module>}; the module rules are allow-lists: a module
 * may use only itself and the modules below it ({@code store → protocol}, {@code actors → store},
 * {@code cdc → store}, {@code node → actors, cdc}, {@code client → protocol}, read transitively),
 * so a module added later is forbidden until a rule allows it. {@code bench} and {@code examples}
 * may use anything and have no module rule.
 */
final class ModuleRules {
  /** The modules whose classes the rules know; every imported class must belong to one. */
  static final List<String> MODULES =
      List.of("protocol", "store", "actors", "cdc", "node", "client", "examples");

  private static final String[] PEKKO = {"org.apache.pekko..", "scala.."};
  private static final String MVSTORE = "org.h2..";
  private static final String MVSTORE_MAP = "org.h2.mvstore.MVMap";
  private static final String MVSTORE_STORE = "org.h2.mvstore.MVStore";

  private final String base;

  ModuleRules(String base) {
    this.base = base;
  }

  /** The module a class belongs to, if it lies under the base package. */
  Optional<String> moduleOf(JavaClass javaClass) {
    String pkg = javaClass.getPackageName();
    if (!pkg.startsWith(base + ".")) {
      return Optional.empty();
    }
    String rest = pkg.substring(base.length() + 1);
    int dot = rest.indexOf('.');
    return Optional.of(dot < 0 ? rest : rest.substring(0, dot));
  }

  ArchRule protocol() {
    return module("protocol", List.of(), join(PEKKO, MVSTORE))
        .because("protocol is the shared vocabulary every other module and the client speak");
  }

  ArchRule store() {
    return module("store", List.of("protocol"), PEKKO)
        .because("the storage and query engine must be correct and fast on its own, no Pekko");
  }

  ArchRule actors() {
    return module("actors", List.of("store", "protocol"))
        .because("actors → store only; the node wires actors and cdc together");
  }

  ArchRule cdc() {
    return module("cdc", List.of("store", "protocol"))
        .because("cdc → store only; the node wires actors and cdc together");
  }

  ArchRule node() {
    return module("node", List.of("actors", "cdc", "store", "protocol"))
        .because("the node assembles actors and cdc; it does not depend on the client or samples");
  }

  ArchRule client() {
    return module("client", List.of("protocol"), join(PEKKO, MVSTORE))
        .because("the Java client must not drag the server or Pekko into applications");
  }

  /**
   * MVStore ({@code org.h2..}) only in store and the cdc journal plugin; bench may use anything.
   */
  ArchRule mvstoreStaysInsideTheStorageEngine() {
    return noClasses()
        .that()
        .resideInAPackage(base + "..")
        .and()
        .resideOutsideOfPackages(base + ".store..", base + ".cdc.journal..", base + ".bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(MVSTORE)
        .because("MVStore is an implementation detail of store and the journal plugin");
  }

  /** A package named {@code internal} (or below one) is used only by its own module. */
  ArchRule internalPackagesAreUsedOnlyByTheirOwnModule() {
    return classes()
        .that()
        .resideInAPackage(base + "..")
        .should(useNoInternalPackageOfAnotherModule())
        .because("internal packages are not API");
  }

  /** MVMap methods that change a map. */
  private static final Set<String> MAP_WRITES =
      Set.of(
          "put",
          "putIfAbsent",
          "putAll",
          "remove",
          "replace",
          "replaceAll",
          "clear",
          "append",
          "trimLast",
          "operate",
          "compute",
          "computeIfAbsent",
          "computeIfPresent",
          "merge");

  /**
   * Every write to a map of the store file goes through {@code store.internal.file.LoggedMap}, so
   * that one class sees all of them (a redo log records them there).
   */
  ArchRule storeMapsAreWrittenOnlyThroughLoggedMap() {
    return classes()
        .that()
        .resideInAPackage(base + "..")
        .and()
        .doNotHaveFullyQualifiedName(base + ".store.internal.file.LoggedMap")
        .should(callNoMethodOf(MVSTORE_MAP, MAP_WRITES))
        .because("a write that bypasses LoggedMap would be missing from the store's redo log");
  }

  /** The maps of the store file are opened in one place, {@code store.internal.file.StoreMaps}. */
  ArchRule storeMapsAreOpenedOnlyByStoreMaps() {
    return classes()
        .that()
        .resideInAPackage(base + "..")
        .and()
        .doNotHaveFullyQualifiedName(base + ".store.internal.file.StoreMaps")
        .should(callNoMethodOf(MVSTORE_STORE, Set.of("openMap")))
        .because("every map of the file has an id and codecs, registered where it is opened");
  }

  private static ArchCondition<JavaClass> callNoMethodOf(String owner, Set<String> names) {
    return new ArchCondition<>("call no method " + names + " of " + owner) {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        Stream.concat(
                origin.getMethodCallsFromSelf().stream(),
                origin.getMethodReferencesFromSelf().stream())
            .filter(a -> a.getTargetOwner().isAssignableTo(owner))
            .filter(a -> names.contains(a.getName()))
            .forEach(a -> events.add(SimpleConditionEvent.violated(a, a.getDescription())));
      }
    };
  }

  ArchRule noPackageCycles() {
    return slices()
        .assignedFrom(packageWithItsInternals())
        .should()
        .beFreeOfCycles()
        .because("a package graph without cycles can be read top-down");
  }

  private ArchRule module(String module, List<String> allowed, String... forbiddenLibraries) {
    String[] own =
        Stream.concat(Stream.of(module), allowed.stream())
            .map(m -> base + "." + m + "..")
            .toArray(String[]::new);
    var rule =
        noClasses()
            .that()
            .resideInAPackage(base + "." + module + "..")
            .should()
            .dependOnClassesThat(
                resideInAPackage(base + "..")
                    .and(not(resideInAnyPackage(own)))
                    .as("reside in a module other than %s", allowedDescription(module, allowed)));
    return forbiddenLibraries.length == 0
        ? rule
        : rule.orShould().dependOnClassesThat().resideInAnyPackage(forbiddenLibraries);
  }

  private static String allowedDescription(String module, List<String> allowed) {
    return allowed.isEmpty() ? module : module + ", " + String.join(", ", allowed);
  }

  private ArchCondition<JavaClass> useNoInternalPackageOfAnotherModule() {
    return new ArchCondition<>("use no internal package of another module") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        Optional<String> originModule = moduleOf(origin);
        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
          JavaClass target = dependency.getTargetClass();
          Optional<String> targetModule = moduleOf(target);
          if (targetModule.isPresent()
              && isInternal(target.getPackageName())
              && !targetModule.equals(originModule)) {
            events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
          }
        }
      }
    };
  }

  private static boolean isInternal(String pkg) {
    return ("." + pkg + ".").contains(".internal.");
  }

  /**
   * One slice per package, where an {@code internal} sub-package belongs to the package above it: a
   * public facade and the implementation behind it (which uses the facade's public types) are one
   * unit, not a cycle.
   */
  private SliceAssignment packageWithItsInternals() {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String pkg = javaClass.getPackageName();
        if (!pkg.startsWith(base + ".")) {
          return SliceIdentifier.ignore();
        }
        int internal = pkg.indexOf(".internal");
        return SliceIdentifier.of(internal < 0 ? pkg : pkg.substring(0, internal));
      }

      @Override
      public String getDescription() {
        return "packages of " + base + ", each with its internal sub-packages";
      }
    };
  }

  private static String[] join(String[] first, String... more) {
    return Stream.concat(Arrays.stream(first), Arrays.stream(more)).toArray(String[]::new);
  }
}

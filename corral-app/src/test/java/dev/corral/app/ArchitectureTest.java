package dev.corral.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering of DESIGN.md §3: dependencies point inward, adapters stay apart. */
@AnalyzeClasses(
    packages = "dev.corral",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {

  /** Test helpers shared as a module's test-jar (e.g. corral-server's browser) are tests too. */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(com.tngtech.archunit.core.importer.Location location) {
      return !location.contains("-tests.jar");
    }
  }

  @ArchTest
  static final ArchRule coreDependsOnlyOnTheJdk =
      classes()
          .that()
          .resideInAPackage("dev.corral.core..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "org.jspecify..", "dev.corral.core..");

  @ArchTest
  static final ArchRule engineDependsOnlyOnCore =
      classes()
          .that()
          .resideInAPackage("dev.corral.engine..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..", "org.jspecify..", "dev.corral.core..", "dev.corral.engine..");

  @ArchTest
  static final ArchRule adaptersDoNotDependOnEngineOrCli =
      noClasses()
          .that()
          .resideInAnyPackage("dev.corral.nativebackend..", "dev.corral.dockerbackend..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.corral.engine..", "dev.corral.cli..", "dev.corral.app..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule workspaceDependsOnlyOnCore =
      noClasses()
          .that()
          .resideInAPackage("dev.corral.workspace..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.corral.engine..",
              "dev.corral.cli..",
              "dev.corral.app..",
              "dev.corral.nativebackend..",
              "dev.corral.egress..");

  @ArchTest
  static final ArchRule jgitStaysInTheWorkspaceModule =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.corral.workspace..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.eclipse.jgit..");

  @ArchTest
  static final ArchRule backendsDoNotDependOnEachOther =
      noClasses()
          .that()
          .resideInAPackage("dev.corral.dockerbackend..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.corral.nativebackend..", "dev.corral.egress..");

  @ArchTest
  static final ArchRule dockerJavaStaysInTheDockerBackend =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.corral.dockerbackend..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.github.dockerjava..");

  @ArchTest
  static final ArchRule cliDoesNotDependOnAdapters =
      noClasses()
          .that()
          .resideInAPackage("dev.corral.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.corral.nativebackend..", "dev.corral.dockerbackend..", "dev.corral.app..");

  @ArchTest
  static final ArchRule apiHoldsOnlyWireRecords =
      classes()
          .that()
          .resideInAPackage("dev.corral.api..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..", "org.jspecify..", "com.fasterxml.jackson.annotation..", "dev.corral.api..");

  @ArchTest
  static final ArchRule clientSeesOnlyTheApi =
      noClasses()
          .that()
          .resideInAPackage("dev.corral.client..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.corral.core..",
              "dev.corral.engine..",
              "dev.corral.server..",
              "dev.corral.cli..");

  @ArchTest
  static final ArchRule serverSeesPortsNotAdapters =
      noClasses()
          .that()
          .resideInAPackage("dev.corral.server..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.corral.store..",
              "dev.corral.nativebackend..",
              "dev.corral.egress..",
              "dev.corral.cli..",
              "dev.corral.app..");

  @ArchTest
  static final ArchRule cliReachesTheServerOnlyThroughTheClient =
      noClasses()
          .that()
          .resideInAPackage("dev.corral.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.corral.server..", "dev.corral.store..");

  @ArchTest
  static final ArchRule noCyclesBetweenPackages =
      slices().matching("dev.corral.(*)..").should().beFreeOfCycles();
}

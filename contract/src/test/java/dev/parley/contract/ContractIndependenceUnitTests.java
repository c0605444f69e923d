package dev.parley.contract;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The contract is what every module shares (wire formats, subjects, settings): it depends on none
 * of them, so any module can use it without pulling in another.
 */
class ContractIndependenceUnitTests {
  @Test
  void contractUsesNoOtherModuleOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("dev.parley.contract..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.parley.gateway..",
            "dev.parley.worker..",
            "dev.parley.presence..",
            "dev.parley.migrations..",
            "dev.parley.testing..")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.parley.contract"));
  }
}

package io.matstore.it.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.matstore.views.archfixture.ViewThatReachesIntoServing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of docs/architecture.md ("Modules"), checked on the production classes of every module on
 * this class path (tests excluded): the serving side never depends on precompute code; a view depends only on the view
 * API, the precompute API package, the {@code ViewValidator} interface, {@code schemas} and libraries; and nothing
 * outside a view's module names the view (roles find views through ServiceLoader). Each rule is also run against a
 * deliberate violation, so a rule that can no longer fail is noticed.
 */
class ModuleBoundariesTest {
    private static JavaClasses production;

    static final ArchRule SERVING_NEVER_IMPORTS_PRECOMPUTE = noClasses()
            .that().resideInAnyPackage("io.matstore.serving..", "io.matstore.store..", "io.matstore.client..")
            .should().dependOnClassesThat().resideInAPackage("io.matstore.precompute..")
            .because("the serving side reads the view topic and schemas only (docs/architecture.md)");

    static final ArchRule VIEWS_IMPORT_ONLY_THE_VIEW_API = classes()
            .that().resideInAPackage("io.matstore.views..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "io.matstore.views..", "io.matstore.view..", "io.matstore.schemas..",
                    "io.matstore.precompute", // the precompute API package alone, not its internals
                    "io.matstore.store", // ViewValidator and its report types, not the store's internals
                    "java..", "io.netty.buffer..", "com.google.flatbuffers..", "org.apache.kafka.common..",
                    "org.apache.kafka.streams", "org.apache.kafka.streams.state..")
            .because("a view is written against the view API only (docs/writing-a-view.md)");

    static final ArchRule NOTHING_OUTSIDE_A_VIEW_NAMES_IT = noClasses()
            .that().resideOutsideOfPackage("io.matstore.views..")
            .should().dependOnClassesThat().resideInAPackage("io.matstore.views..")
            .because("roles find views through ServiceLoader");

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.matstore");
    }

    @Test
    void shouldSeeEveryModule() {
        assertThat(production.containPackage("io.matstore.serving.internal")).isTrue();
        assertThat(production.containPackage("io.matstore.precompute.internal")).isTrue();
        assertThat(production.containPackage("io.matstore.views.offers")).isTrue();
        assertThat(production.containPackage("io.matstore.views.categorydeals")).isTrue();
        assertThat(production.containPackage("io.matstore.launcher")).isTrue();
    }

    @Test
    void servingShouldNeverDependOnPrecompute() {
        SERVING_NEVER_IMPORTS_PRECOMPUTE.check(production);
    }

    @Test
    void viewsShouldDependOnlyOnTheViewApi() {
        VIEWS_IMPORT_ONLY_THE_VIEW_API.check(production);
    }

    @Test
    void nothingOutsideAViewShouldNameIt() {
        NOTHING_OUTSIDE_A_VIEW_NAMES_IT.check(production);
    }

    @Test
    void shouldFailOnADeliberateViolation() {
        JavaClasses violating = new ClassFileImporter().importClasses(ViewThatReachesIntoServing.class);
        assertThatThrownBy(() -> VIEWS_IMPORT_ONLY_THE_VIEW_API.check(violating))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ViewThatReachesIntoServing")
                .hasMessageContaining("io.matstore.serving.ServingNode");
    }
}

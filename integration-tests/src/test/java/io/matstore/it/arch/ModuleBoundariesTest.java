package io.matstore.it.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.matstore.bench.archfixture.BenchmarkThatReachesIntoInternals;
import io.matstore.views.archfixture.ViewThatReachesIntoServing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of docs/architecture.md ("Modules"), checked on the production classes of every module on
 * this class path (tests excluded): the serving side never depends on precompute code; a view depends only on the view
 * API, the precompute API package, the {@code ViewValidator} interface, {@code schemas} and libraries; and nothing
 * outside a view's module but the benchmarks (which measure a given view) names the view (roles find views through ServiceLoader); no module, benchmarks included,
 * depends on another module's {@code internal} packages (a package's owner is what precedes {@code .internal}). Each
 * rule is also run against a
 * deliberate violation, so a rule that can no longer fail is noticed.
 */
class ModuleBoundariesTest {
    private static JavaClasses production;

    static final ArchRule SERVING_NEVER_IMPORTS_PRECOMPUTE = noClasses()
            .that()
            .resideInAnyPackage("io.matstore.serving..", "io.matstore.store..", "io.matstore.client..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.matstore.precompute..")
            .because("the serving side reads the view topic and schemas only (docs/architecture.md)");

    static final ArchRule VIEWS_IMPORT_ONLY_THE_VIEW_API = classes()
            .that()
            .resideInAPackage("io.matstore.views..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "io.matstore.views..",
                    "io.matstore.view..",
                    "io.matstore.schemas..",
                    "io.matstore.precompute", // the precompute API package alone, not its internals
                    "io.matstore.store", // ViewValidator and its report types, not the store's internals
                    "java..",
                    "io.netty.buffer..",
                    "com.google.flatbuffers..",
                    "org.apache.kafka.common..",
                    "com.fasterxml.jackson..",
                    "org.slf4j", // a view's source events as JSON lines; its log
                    "org.apache.kafka.streams",
                    "org.apache.kafka.streams.state..")
            .because("a view is written against the view API only (docs/writing-a-view.md)");

    static final ArchRule NOTHING_OUTSIDE_A_VIEW_NAMES_IT = noClasses()
            .that()
            .resideOutsideOfPackage("io.matstore.views..")
            .and()
            .resideOutsideOfPackage("io.matstore.bench..") // benchmarks measure a given view, as tests do
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.matstore.views..")
            .because("roles find views through ServiceLoader");

    static final ArchRule NOTHING_IMPORTS_ANOTHER_MODULES_INTERNALS = classes()
            .should(new ArchCondition<JavaClass>("depend on no other module's internal packages") {
                @Override
                public void check(JavaClass origin, ConditionEvents events) {
                    for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                        String target = d.getTargetClass().getPackageName();
                        int internal = target.indexOf(".internal");
                        if (!target.startsWith("io.matstore.") || internal < 0) {
                            continue;
                        }
                        String owner = target.substring(0, internal);
                        String from = origin.getPackageName();
                        if (!from.equals(owner) && !from.startsWith(owner + ".")) {
                            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                        }
                    }
                }
            })
            .because("a module's internal package is its own; others use its API (benchmarks too: ServingHotPath,"
                    + " NodeBreaker)");

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.matstore");
    }

    @Test
    void shouldSeeEveryModule() {
        assertThat(production.containPackage("io.matstore.serving.internal")).isTrue();
        assertThat(production.containPackage("io.matstore.precompute.internal")).isTrue();
        assertThat(production.containPackage("io.matstore.views.offers")).isTrue();
        assertThat(production.containPackage("io.matstore.views.categorydeals")).isTrue();
        assertThat(production.containPackage("io.matstore.launcher")).isTrue();
        assertThat(production.containPackage("io.matstore.bench.serving")).isTrue();
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
    void nothingShouldDependOnAnotherModulesInternals() {
        NOTHING_IMPORTS_ANOTHER_MODULES_INTERNALS.check(production);
    }

    @Test
    void shouldFailOnABenchmarkThatReachesIntoInternals() {
        JavaClasses violating = new ClassFileImporter().importClasses(BenchmarkThatReachesIntoInternals.class);
        assertThatThrownBy(() -> NOTHING_IMPORTS_ANOTHER_MODULES_INTERNALS.check(violating))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("BenchmarkThatReachesIntoInternals")
                .hasMessageContaining("io.matstore.serving.internal.QueryKey");
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

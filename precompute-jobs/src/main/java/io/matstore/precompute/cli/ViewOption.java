package io.matstore.precompute.cli;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.SourceEventFormat;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewFactories;
import io.matstore.precompute.ViewFactory;
import picocli.CommandLine;

/** Resolves {@code --view NAME} against the views on the class path. */
final class ViewOption {
    private ViewOption() {}

    /**
     * The view named {@code name} (or the only one present when null) at the configured {@code view.version}.
     *
     * @throws CommandLine.ParameterException naming the view asked for and the views present (exit code 2)
     */
    static View<?, ?> create(CommandLine.Model.CommandSpec spec, String name, PrecomputeConfig settings) {
        ViewFactory factory;
        try {
            factory = ViewFactories.discover().require(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return factory.create(settings, settings.viewVersion());
    }

    /**
     * The source events of the view named {@code name}; with {@code name} null, of the one view present that has
     * them (several views may read one source topic; the view that defines its schema provides the format).
     *
     * @throws CommandLine.ParameterException naming the view asked for and the views that have source events
     */
    static SourceEventFormat<?> sourceEvents(CommandLine.Model.CommandSpec spec, String name) {
        ViewFactories views = ViewFactories.discover();
        java.util.List<String> having = views.factories().stream()
                .filter(f -> f.sourceEvents() != null)
                .map(ViewFactory::name)
                .toList();
        if (name == null && having.size() == 1) {
            return views.find(having.get(0)).sourceEvents();
        }
        ViewFactory factory = name == null ? null : views.find(name);
        if (factory == null || factory.sourceEvents() == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    (name == null
                                    ? "name the view whose source events to use with --view"
                                    : "view " + name
                                            + (factory == null ? " is not on the class path" : " has no source events"))
                            + "; views with source events: " + having);
        }
        return factory.sourceEvents();
    }
}

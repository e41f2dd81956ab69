package io.matstore.precompute.cli;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewFactories;
import io.matstore.precompute.ViewFactory;
import picocli.CommandLine;

/** Resolves {@code --view NAME} against the views on the class path. */
final class ViewOption {
    private ViewOption() {
    }

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
}

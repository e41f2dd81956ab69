package io.matstore.precompute.cli;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.SourceEventFormat;
import io.matstore.precompute.publish.EventFileException;
import io.matstore.precompute.publish.Progress;
import io.matstore.precompute.publish.Publisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "publish",
        description = {
            "Publish a JSON-lines file of source events to the source topic, all or nothing.",
            "One event per line, e.g. {\"type\":\"ProductUpserted\",\"sku\":\"SKU-1\",\"title\":\"Mug\","
                    + "\"category\":\"kitchen\",\"base_price_usd_cents\":1299}"
        })
final class PublishCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Parameters(paramLabel = "FILE", description = "JSON lines, UTF-8.")
    Path file;

    @Option(names = "--topic", description = "Target topic (default: the source.topic setting).")
    String topic;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    @Option(
            names = "--view",
            paramLabel = "NAME",
            description = "The view whose source events the file holds; may be"
                    + " left out when only one view on the class path has source events.")
    String viewName;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrecomputeConfig settings = config.load();
        SourceEventFormat<?> format = ViewOption.sourceEvents(spec, viewName);
        if (!Files.isReadable(file)) {
            System.err.println("cannot read " + file + ": " + (Files.exists(file) ? "not readable" : "no such file"));
            return 2;
        }
        String target = topic != null ? topic : settings.sourceTopic();
        try {
            long sent = Publisher.publish(
                    format,
                    settings,
                    target,
                    file,
                    quiet ? Progress.NONE : Progress.console(System.err, "publish " + target));
            System.out.println("published " + sent + " events from " + file + " to " + target);
            return 0;
        } catch (EventFileException e) {
            System.err.println(file + ": " + e.errorCount() + " invalid line(s); nothing was sent");
            e.errors().forEach(System.err::println);
            if (e.errorCount() > e.errors().size()) {
                System.err.println("... and " + (e.errorCount() - e.errors().size()) + " more");
            }
            return 1;
        }
    }
}

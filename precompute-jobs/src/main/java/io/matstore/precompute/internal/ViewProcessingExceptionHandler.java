package io.matstore.precompute.internal;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error policy for an exception thrown while processing an event (set as {@code processing.exception.handler}):
 * always stop, loudly. What input can get wrong is checked before processing and dead-lettered there (the router:
 * undecodable events, rules of the spec, string sizes); an exception past that point is a bug, and the task's state
 * stores may already hold part of the event: going on would commit that half with the transaction, and responses
 * computed from it would be wrong until the entity next changes. Stopping aborts the transaction, so the state and
 * outputs stay those of the last commit, and a fixed job resumes there. Logged with the event's coordinates and
 * the processor, counted in {@code matstore_precompute_fatal_errors_total}.
 */
public final class ViewProcessingExceptionHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ViewProcessingExceptionHandler.class);

    private HandlerContext view;

    @Override
    public void configure(Map<String, ?> configs) {
        view = HandlerContext.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        view.counters().onFatalError();
        LOG.error(
                "view {}: processing {}-{}@{} failed in {} (task {}); stopping the stream thread: skipping the"
                        + " event could leave its half-applied state committed",
                view.view(),
                context.topic(),
                context.partition(),
                context.offset(),
                context.processorNodeId(),
                context.taskId(),
                exception);
        return Response.fail();
    }
}

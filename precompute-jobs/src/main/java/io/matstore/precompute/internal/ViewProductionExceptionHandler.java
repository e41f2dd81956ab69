package io.matstore.precompute.internal;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error policy for records the job fails to write (set as {@code production.exception.handler}): stop, loudly
 * (logged with the record's topic and size and the coordinates of the event being processed, counted in
 * {@code matstore_precompute_fatal_errors_total}).
 *
 * <p>Why nothing is skipped here: under exactly_once_v2 a send the producer refuses puts its transaction in an
 * abortable error, so every later send of the transaction fails too, dead-letter records included.
 * {@code ViewErrorPolicyTest} measured it on Kafka 4.3.1 with a response over {@code max.request.size}: the handler's
 * dead-letter record failed with the same RecordTooLargeException and the client went to ERROR anyway. A skip
 * would also leave the combination's content hash recorded for a response that was never written. Input that
 * could produce such a record is refused before processing instead, with a dead-letter and its reason (the
 * router: undecodable events, rules of the spec, {@code event.max.string.bytes}). The transaction aborts, so
 * nothing of the event is committed, and a restarted job resumes at the last commit.
 */
public final class ViewProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ViewProductionExceptionHandler.class);

    private HandlerContext view;

    @Override
    public void configure(Map<String, ?> configs) {
        view = HandlerContext.from(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        int size =
                (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        return fail(context, "writing a record of " + size + " bytes to " + record.topic() + " failed", exception);
    }

    @Override
    @SuppressWarnings("rawtypes") // the interface declares the record raw
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        return fail(context, "serializing a record for " + record.topic() + " failed (" + origin + ")", exception);
    }

    private Response fail(ErrorHandlerContext context, String what, Exception exception) {
        view.counters().onFatalError();
        LOG.error(
                "view {}: {} while processing {}-{}@{} (task {}, node {}); stopping: the transaction aborts and"
                        + " nothing of the event is committed",
                view.view(),
                what,
                context.topic(),
                context.partition(),
                context.offset(),
                context.taskId(),
                context.processorNodeId(),
                exception);
        return Response.fail();
    }
}

package io.matstore.store;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;

/**
 * A view's own check of a candidate version before it is swapped in, run by {@link VersionValidation} on every
 * sampled key of the candidate. Implementations are found with {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/io.matstore.store.ViewValidator}) or passed to {@link VersionValidation} in code. They
 * must be thread-safe and must not keep the envelopes: the buffers are reused.
 */
public interface ViewValidator {
    /** Short name, shown in the report as {@code validator:<name>}. */
    String name();

    /** Whether this validator checks the given view. */
    boolean appliesTo(String viewName);

    /**
     * Checks one sampled key.
     *
     * @param candidateView the candidate version's descriptor
     * @param key           the canonical key that was read
     * @param candidate     the candidate's envelope for {@code key} (present: only stored keys are sampled)
     * @param current       the current version's envelope for {@code key}, or null when it has none (or there is
     *                      no current version)
     * @return null when fine, else what is wrong, naming the value and what was expected
     */
    String check(ViewDescriptor candidateView, byte[] key, ResponseEnvelope candidate, ResponseEnvelope current);
}

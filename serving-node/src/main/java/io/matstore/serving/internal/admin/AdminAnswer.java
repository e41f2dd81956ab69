package io.matstore.serving.internal.admin;

import io.matstore.serving.internal.HttpErrors;

/**
 * One admin response before it is written: status, JSON body, extra header lines.
 *
 * @param extraHeaders complete header lines ("X-Matstore-Validation: passed\r\n") or empty
 */
record AdminAnswer(int status, String body, String extraHeaders) {
    static AdminAnswer ok(int status, String body) {
        return new AdminAnswer(status, body, "");
    }

    static AdminAnswer error(int status, String code, String message) {
        return new AdminAnswer(status, HttpErrors.errorBody(code, message), "");
    }

    /** Refusals of a command: a code, a message, and what the refusal was based on (e.g. a validation report). */
    static AdminAnswer refusal(int status, String code, String message, String field, String json) {
        String error = HttpErrors.errorBody(code, message);
        return new AdminAnswer(status, error.substring(0, error.length() - 1) + ",\"" + field + "\":" + json + "}", "");
    }
}

package io.srrrs.topology.source;

import java.io.IOException;
import java.time.Duration;

/**
 * A source that took longer than {@code srrrs.source.deadline.ms}, headers and body together.
 * Not transient: the reference goes to the DLQ as SOURCE_FAILED, inside the transaction that
 * read it, instead of the transaction outliving {@code transaction.timeout.ms}.
 */
public final class SourceDeadlineExceededException extends IOException {

    public SourceDeadlineExceededException(Duration budget) {
        super("the source took longer than srrrs.source.deadline.ms = " + budget.toMillis() + " ms");
    }
}

package com.skyriff.data.spring.boot;

import com.skyriff.data.SkyriffDataException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints the layer's message (the shard and node that failed, and why) when the data source cannot start. */
final class StartupFailureAnalyzer extends AbstractFailureAnalyzer<SkyriffDataException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, SkyriffDataException cause) {
        return new FailureAnalysis("SkyRiff Data could not start: " + SkyriffEndpoint.maskUrl(cause.getMessage()),
                "Check that the node named above is reachable with the credentials of the rules file, and that the"
                        + " month tables exist (or set create-missing-months: true).", cause);
    }
}

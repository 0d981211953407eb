package io.srrrs.client;

import java.util.Map;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * What a HEAD found: the object's info, the ETag it saw (a rewrap's copies are conditional on
 * it), for an SSE-C object the HEAD of its metadata companion (null otherwise), and the user
 * metadata exactly as stored (an S3EC object's rewrap keeps every key but the ones it replaces).
 */
record ObjectHead(ObjectInfo info, String etag, HeadObjectResponse companion, Map<String, String> stored) {

    ObjectHead {
        stored = Map.copyOf(stored);
    }
}

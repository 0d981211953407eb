package io.srrrs.client;

import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * What a HEAD found: the object's info, the ETag it saw (a rewrap's copies are conditional on
 * it), and for an SSE-C object the HEAD of its metadata companion (null otherwise).
 */
record ObjectHead(ObjectInfo info, String etag, HeadObjectResponse companion) {
}

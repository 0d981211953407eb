/**
 * The {@code aws-kms} KMS provider: DEKs from AWS KMS, bound to the encryption context by AWS
 * itself. {@link io.srrrs.kms.aws.AwsKms} maps the SPI onto the SDK's calls and its errors onto the
 * SPI's exceptions; {@link io.srrrs.kms.aws.AwsKmsFactory} reads {@code kms.aws-kms.*} and builds
 * the client (TLS 1.3 only, no SDK retries). Registered for ServiceLoader in
 * {@code META-INF/services/io.srrrs.crypto.kms.KmsFactory}.
 *
 * <p>It may use the crypto module's public packages ({@link io.srrrs.crypto.kms},
 * {@link io.srrrs.crypto.format}, {@link io.srrrs.crypto.pki}) and the AWS SDK; never
 * {@code io.srrrs.crypto.internal}.
 */
package io.srrrs.kms.aws;

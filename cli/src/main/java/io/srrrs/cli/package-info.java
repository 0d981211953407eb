/**
 * The {@code srrrs} command line ({@code bin/srrrs}, picocli): the embedded local stack
 * ({@code up}, {@code down}, {@code status}, {@code demo}) and the daily tools around the
 * pipeline ({@code publish}, {@code watch}, {@code get}, {@code ls}, {@code inspect},
 * {@code rewrap}, {@code keys}, {@code sse-c-keypair}, {@code doctor}, {@code bench}). It is the
 * project's one CLI: the topology keeps only its own entry point ({@code bin/encryptor run}).
 * Every command reads one properties file ({@link io.srrrs.cli.CliConfig}): the local stack's, or
 * any deployment's with {@code --config FILE}.
 *
 * <p>It sits at the top of the layering and may use every module: the topology and the sink (which
 * the local stack runs), the client (reads, rewraps), store, crypto and its KMS providers,
 * serdes, schemas, and embedded (the stack's components). Nothing depends on it.
 */
package io.srrrs.cli;

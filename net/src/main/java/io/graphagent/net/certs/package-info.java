/**
 * Certificate tooling on BouncyCastle: the cluster CA and the coordinator and agent
 * certificates of {@code graphagent certs init} ({@link io.graphagent.net.certs.ClusterCertificates}),
 * PEM files ({@link io.graphagent.net.certs.PemFiles}), and deliberately bad material for tests
 * and {@code doctor} ({@link io.graphagent.net.certs.BadCertificates}).
 */
package io.graphagent.net.certs;

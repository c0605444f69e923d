package dev.parley.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link RedisClusterProcess}: one local three-master Redis Cluster per test run, started
 * on first injection and stopped when the run ends (it sits in the root context's store, whose
 * {@link AutoCloseable} values JUnit closes last). Test classes keep apart on it by their key
 * prefixes, as on the shared Redis.
 */
public class RedisClusterExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedisClusterExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RedisClusterProcess.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return context
          .getRoot()
          .getStore(NAMESPACE)
          .getOrComputeIfAbsent(
              "cluster",
              k -> {
                try {
                  return RedisClusterProcess.start();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException("interrupted while starting", e);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              },
              RedisClusterProcess.class);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException(
          "cannot start the local Redis Cluster: " + e.getMessage(), e);
    }
  }
}

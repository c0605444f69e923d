package dev.parley.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link TestEnvironment} into constructors, test methods and {@code @BeforeAll} /
 * {@code @AfterAll} / {@code @BeforeEach} / {@code @AfterEach} methods:
 *
 * <pre>{@code
 * @ExtendWith(ParleyExtension.class)
 * class SomethingIntegrationTests {
 *   SomethingIntegrationTests(TestEnvironment env) { ... }
 * }
 * }</pre>
 *
 * <p>One environment per top-level test class (its {@code @Nested} classes share it), created on
 * first injection and closed when the class is done: it sits in the class's store, and JUnit closes
 * {@link AutoCloseable} values of a store when the store's context ends.
 */
public class ParleyExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ParleyExtension.class);
  private static final String KEY = "environment";

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestEnvironment.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = classContext(context).getStore(NAMESPACE);
    try {
      return store.getOrComputeIfAbsent(KEY, k -> TestEnvironment.create(), TestEnvironment.class);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException(
          "cannot set up the test environment: " + e.getMessage(), e);
    }
  }

  /** The top-level class's context: the one just below the engine's root. */
  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext root = context.getRoot();
    ExtensionContext current = context;
    while (current.getParent().isPresent() && current.getParent().get() != root) {
      current = current.getParent().get();
    }
    return current;
  }
}

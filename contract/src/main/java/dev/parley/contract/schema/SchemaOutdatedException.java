package dev.parley.contract.schema;

/** The database lacks migrations this node needs; the node must not start until they are applied. */
public class SchemaOutdatedException extends RuntimeException {

  public SchemaOutdatedException(String message) {
    super(message);
  }
}

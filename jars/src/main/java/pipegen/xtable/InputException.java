package pipegen.xtable;

/** Bad command line or config file: the launcher exits 2 without syncing anything. */
final class InputException extends Exception {
  private static final long serialVersionUID = 1L;

  InputException(String message) {
    super(message);
  }

  InputException(String message, Throwable cause) {
    super(message, cause);
  }
}

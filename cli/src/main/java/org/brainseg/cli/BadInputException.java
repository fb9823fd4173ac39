package org.brainseg.cli;

/** Input the user must fix; reported as one line with exit code 2. */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }
}

package dev.vaelab.data;

/** The part of a dataset a file or an image set belongs to. */
public enum Split {
    TRAIN,
    VALIDATION,
    TEST
}

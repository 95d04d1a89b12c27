package dev.oauthfilter.samples.notes;

/**
 * One note.
 *
 * @param id   its id
 * @param text its text
 */
public record Note(int id, String text) {
}

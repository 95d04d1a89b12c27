package dev.oauthfilter.runtimes.probe;

/**
 * What the target's JSON service answers, read back by the probe's clients as an entity of the application's own (the
 * sample's {@code NotesPage} is one): JSON-B then knows a class of the application.
 *
 * @param id         the id the call was recorded under
 * @param authorized whether the call carried an {@code Authorization} header
 */
public record JsonAnswer(String id, boolean authorized) {
}

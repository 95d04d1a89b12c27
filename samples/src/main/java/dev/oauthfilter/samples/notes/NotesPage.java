package dev.oauthfilter.samples.notes;

import java.util.List;

/**
 * What the notes service answers: the notes, and who asked (the token's subject).
 *
 * @param caller the authenticated client id
 * @param notes  the notes
 */
public record NotesPage(String caller, List<Note> notes) {
}

package dev.oauthfilter.samples.backend;

import dev.oauthfilter.samples.notes.Note;

import java.util.List;

/**
 * What the backend answers: how it called the notes service, as whom, and what it got.
 *
 * @param via    the way the call was made
 * @param caller the client id the notes service saw in the token
 * @param notes  the notes
 */
public record BackendAnswer(String via, String caller, List<Note> notes) {
}

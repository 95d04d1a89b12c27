package dev.oauthfilter.runtimes.probe;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Work that is not a JAX-RS request (a plain servlet, on the same pool threads): it calls a propagating client and
 * must never forward a token, since its own request carried none to JAX-RS. Its path is under the JAX-RS
 * application's; an exact servlet mapping takes precedence over the application's {@code /api/*}.
 */
@WebServlet("/api/servlet/propagated")
public class PropagationServlet extends HttpServlet {

    @Inject
    NotesPropagation notes;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write(notes.call("true".equals(request.getParameter("fallback"))));
    }
}

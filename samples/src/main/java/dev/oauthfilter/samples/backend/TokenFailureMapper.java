package dev.oauthfilter.samples.backend;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Map;

/**
 * What the backend answers when no token could be had for an outgoing call: the stable error code (never a token or
 * secret), 401 when the caller gave no token to propagate, 502 when the authorization server failed.
 */
@Provider
public class TokenFailureMapper implements ExceptionMapper<ProcessingException> {

    @Override
    public Response toResponse(ProcessingException exception) {
        Throwable cause = exception;
        while (cause != null && !(cause instanceof TokenException)) {
            cause = cause.getCause();
        }
        if (cause == null) {
            return Response.status(Response.Status.BAD_GATEWAY).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("code", "DOWNSTREAM_FAILURE")).build();
        }
        TokenException failure = (TokenException) cause;
        Response.Status status = failure.errorCode() == ErrorCode.NO_INCOMING_TOKEN
                ? Response.Status.UNAUTHORIZED : Response.Status.BAD_GATEWAY;
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("code", failure.code(), "retryable", failure.isRetryable())).build();
    }
}

package dev.oauthfilter;

import jakarta.enterprise.util.Nonbinding;
import jakarta.inject.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Selects a named client, configured by the {@code oauth.<name>.*} keys.
 *
 * <p>On a MicroProfile Rest Client interface (or one of its methods) it tells {@link OAuthClientFilter} which
 * client's token to send: the method's annotation, else the one on the interface the call was made through (which
 * covers the methods it inherits, where the runtime tells that interface, as RESTEasy does), else the one on the
 * nearest annotated super-interface. In CDI it qualifies an injected {@link TokenProvider}:
 *
 * <pre>{@code
 * @RegisterRestClient(configKey = "billing")
 * @RegisterProvider(OAuthClientFilter.class)
 * @OAuthClient("billing")
 * public interface BillingApi extends CrudApi<Invoice> { ... }
 *
 * @Inject @OAuthClient("billing") TokenProvider billingTokens;
 * }</pre>
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER})
public @interface OAuthClient {

    /** @return the client name: letters, digits, {@code -} and {@code _} */
    @Nonbinding
    String value();
}

package tw.tongbao.gateway.security;

import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import tw.tongbao.core.change.NationalId;

/**
 * The one place that knows how a request names its filer: the verified sign-in token's {@code sub} (national ID)
 * and {@code name} claims (CONTRACT §2).
 */
final class FilerArgumentResolver implements HandlerMethodArgumentResolver {

    static final String NAME_CLAIM = "name";

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return Filer.class.equals(parameter.getParameterType());
    }

    @Override
    public Filer resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer mavContainer,
            NativeWebRequest request,
            WebDataBinderFactory binderFactory) {
        return resolve(SecurityContextHolder.getContext().getAuthentication());
    }

    /** The filer a verified token names; throws {@link FilerNotAuthenticated} when it names none. */
    static Filer resolve(Authentication authentication) {
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            throw new FilerNotAuthenticated("the request carries no bearer token naming a filer");
        }
        Jwt jwt = token.getToken();
        String subject = jwt.getSubject();
        if (subject == null || !NationalId.isValid(subject.strip())) {
            throw new FilerNotAuthenticated("the token's sub is not a valid national ID");
        }
        Object name = jwt.getClaims().get(NAME_CLAIM);
        return new Filer(new NationalId(subject.strip()), name instanceof String text ? text : null);
    }
}

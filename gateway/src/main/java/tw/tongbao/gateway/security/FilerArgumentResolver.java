package tw.tongbao.gateway.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import tw.tongbao.core.change.NationalId;

/**
 * The one place that knows how a request names its filer.
 *
 * <p>For now the sign-in front end passes {@value #ID_HEADER} (national ID) and optionally {@value #NAME_HEADER}
 * (URL-encoded UTF-8); a JWT resolver replaces this class later without touching any controller.
 */
final class FilerArgumentResolver implements HandlerMethodArgumentResolver {

    static final String ID_HEADER = "X-Citizen-Id";
    static final String NAME_HEADER = "X-Citizen-Name";

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
        return resolve(request.getHeader(ID_HEADER), request.getHeader(NAME_HEADER));
    }

    /** Reads the two header values; throws {@link FilerNotAuthenticated} when they do not name a filer. */
    static Filer resolve(String id, String encodedName) {
        if (id == null || id.isBlank()) {
            throw new FilerNotAuthenticated("the request does not say who is filing (" + ID_HEADER + " is missing)");
        }
        if (!NationalId.isValid(id.strip())) {
            throw new FilerNotAuthenticated(ID_HEADER + " is not a valid national ID");
        }
        String name;
        try {
            name = encodedName == null ? null : URLDecoder.decode(encodedName, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new FilerNotAuthenticated(NAME_HEADER + " is not URL-encoded UTF-8");
        }
        return new Filer(new NationalId(id.strip()), name);
    }
}

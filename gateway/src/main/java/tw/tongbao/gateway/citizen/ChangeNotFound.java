package tw.tongbao.gateway.citizen;

/** Thrown when a receipt names no change of this filer; answered with {@code 404}. */
final class ChangeNotFound extends RuntimeException {

    ChangeNotFound() {
        super("no such change");
    }
}

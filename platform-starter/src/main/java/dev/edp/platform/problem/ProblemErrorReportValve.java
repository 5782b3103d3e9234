package dev.edp.platform.problem;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.edp.platform.text.UntrustedText;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's last resort for errors that happen before any servlet runs (an illegal URI, a
 * broken request line): instead of Tomcat's HTML page it writes a minimal problem+json
 * body, so that even these answers are RFC 9457. Everything that reaches Spring is
 * handled there instead.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (status < 400 || !ioAllowed.get() || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String code = Problems.defaultCode(status);
        String title = "Request refused";
        String detail = "The server refused the request before it reached the application.";
        String where = "";
        if (status == 400 && !UntrustedText.isStorablePath(request.getRequestURI())) {
            // Tomcat refuses an encoded NUL in the path itself; the answer is the
            // platform's rule for it.
            code = UntrustedText.CODE;
            title = "Invalid text";
            detail = "The request path contains U+0000, an unpaired surrogate or invalid UTF-8.";
            where = ",\"in\":\"path\",\"field\":\"\"";
        }
        String body = "{\"type\":\"" + Problems.typeOf(code) + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"" + where + "}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        }
        catch (IOException | IllegalStateException ex) {
            // The connection is gone or the response committed meanwhile: nothing more to
            // say.
        }
    }

}

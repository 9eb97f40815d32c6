// Runs SPARQL query files on one RDF file with Apache Jena ARQ, in one JVM, for
// tests/test_jena.py: `java RunQueries DATA.nt Q1.rq Q2.rq ...` writes, beside each
// query file, its SPARQL 1.1 JSON results (Q.rq.srj), or the error Jena raised (Q.rq.error).
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.RDFDataMgr;

public class RunQueries {
    public static void main(String[] args) throws Exception {
        Model model = RDFDataMgr.loadModel(args[0]);
        for (int i = 1; i < args.length; i++) {
            Path file = Path.of(args[i]);
            try {
                Query query = QueryFactory.create(Files.readString(file));
                try (QueryExecution execution = QueryExecutionFactory.create(query, model);
                     OutputStream out = Files.newOutputStream(Path.of(args[i] + ".srj"))) {
                    if (query.isAskType()) {
                        ResultSetFormatter.outputAsJSON(out, execution.execAsk());
                    } else {
                        ResultSetFormatter.outputAsJSON(out, execution.execSelect());
                    }
                }
            } catch (Exception error) {
                Files.writeString(Path.of(args[i] + ".error"), error.toString());
            }
        }
    }
}

// Times SPARQL query files on one RDF file with Apache Jena ARQ, in one JVM, for the
// benchmark's Jena stage (benchmarks/run.py --stacks jena):
//
//   java -Xmx4g TimeQueries WARMUP REPEAT CAP_SECONDS DATA.nt Q1.rq Q2.rq ...
//
// loads DATA into an in-memory model once, then for each query file runs it WARMUP times
// untimed and REPEAT times timed (parse, execute, every solution read), each run stopped
// after CAP_SECONDS; a query whose timed run takes over 10 s is not repeated. Writes one
// JSON line per step to standard output: {"stage": "load", "seconds", "cpu", "jvm_cpu",
// "triples"}, then per query {"query": file name, "rows", "times": [seconds...], "cpu":
// [seconds...], "jvm_cpu": [seconds...]}, or {"query", "capped": true}, or {"query",
// "error": message}. "times" is wall clock; "cpu" the CPU time of the thread that ran the
// query (ARQ evaluates an in-memory query in the calling thread); "jvm_cpu" that of the
// whole JVM (the garbage collector's and the JIT compiler's threads too). On a shared
// machine the wall clock also counts the time other processes had the cores. The median
// is taken by the caller.
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.jena.query.Query;
import org.apache.jena.query.QueryCancelledException;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.RDFDataMgr;

public class TimeQueries {
    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int repeat = Integer.parseInt(args[1]);
        long capMillis = (long) (Double.parseDouble(args[2]) * 1000);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long jvmStart = jvmCpu();
        Model model = RDFDataMgr.loadModel(args[3]);
        double loaded = seconds(start);
        double loadedCpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        double loadedJvm = (jvmCpu() - jvmStart) / 1e9;
        System.out.println("{\"stage\": \"load\", \"seconds\": " + loaded + ", \"cpu\": " + loadedCpu
                           + ", \"jvm_cpu\": " + loadedJvm + ", \"triples\": " + model.size() + "}");
        System.out.flush();
        for (int i = 4; i < args.length; i++) {
            Path file = Path.of(args[i]);
            String name = quoted(file.getFileName().toString());
            String line;
            try {
                String text = Files.readString(file);
                for (int w = 0; w < warmup; w++) {
                    run(text, model, capMillis);
                }
                List<Double> times = new ArrayList<>();
                List<Double> cpu = new ArrayList<>();
                List<Double> jvm = new ArrayList<>();
                long rows = 0;
                for (int r = 0; r < repeat; r++) {
                    long begin = System.nanoTime();
                    long cpuBegin = threads.getCurrentThreadCpuTime();
                    long jvmBegin = jvmCpu();
                    rows = run(text, model, capMillis);
                    cpu.add((threads.getCurrentThreadCpuTime() - cpuBegin) / 1e9);
                    jvm.add((jvmCpu() - jvmBegin) / 1e9);
                    times.add(seconds(begin));
                    if (times.get(times.size() - 1) > 10) {
                        break;
                    }
                }
                line = "{\"query\": " + name + ", \"rows\": " + rows + ", \"times\": " + times
                        + ", \"cpu\": " + cpu + ", \"jvm_cpu\": " + jvm + "}";
            } catch (QueryCancelledException cancelled) {
                line = "{\"query\": " + name + ", \"capped\": true}";
            } catch (Exception error) {
                line = "{\"query\": " + name + ", \"error\": " + quoted(error.toString()) + "}";
            }
            System.out.println(line);
            System.out.flush();
        }
    }

    /** Parses and runs a query, reads every solution; the number of rows (an ASK: 1 or 0). */
    static long run(String text, Model model, long capMillis) {
        Query query = QueryFactory.create(text);
        try (QueryExecution execution = QueryExecution.model(model).query(query)
                .timeout(capMillis, TimeUnit.MILLISECONDS).build()) {
            if (query.isAskType()) {
                return execution.execAsk() ? 1 : 0;
            }
            return ResultSetFormatter.consume(execution.execSelect());
        }
    }

    /** The CPU time of this JVM so far (all its threads), in nanoseconds. */
    static long jvmCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}

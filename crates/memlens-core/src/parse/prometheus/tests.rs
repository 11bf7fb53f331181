use super::series::{CadvisorMemory, MeminfoNaming, MeminfoProblem, MeminfoUnit};
use super::*;
use crate::input::{self, Diagnostic, Kind, Line, Severity, Source};

const C45: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/field/C45/metrics-resource.txt"
));

/// A document of kind `prometheus` with the lines of `text`, numbered from 1.
fn document(text: &str) -> Document {
    let lines = text
        .split('\n')
        .enumerate()
        .map(|(i, t)| Line {
            no: i as u32 + 1,
            text: t.to_string(),
        })
        .filter(|l| !l.text.is_empty())
        .collect();
    Document {
        id: DocId(1),
        source: 0,
        name: None,
        command: None,
        kind: Kind::Prometheus,
        reasons: Vec::new(),
        kind_set: false,
        host: None,
        lines,
    }
}

fn run(text: &str) -> (Exposition, Vec<Diagnostic>) {
    let doc = document(text);
    let mut diags = Diagnostics::new(doc.id);
    let exp = parse(&doc, &mut diags);
    (exp, diags.list)
}

/// `scrape line name{labels} text =integer|!reason [@timestamp]`.
fn render(s: SampleRef<'_>) -> String {
    let labels: Vec<String> = s.labels().map(|(k, v)| format!("{k}={v:?}")).collect();
    let integer = match s.integer() {
        Ok(v) => format!("={v}"),
        Err(why) => format!("!{}", why.as_str()),
    };
    let ts = s
        .timestamp_text()
        .map(|t| format!(" @{t}"))
        .unwrap_or_default();
    let (scrape, line, name, text) = (s.scrape(), s.at().line, s.name(), s.text());
    format!(
        "{scrape} {line} {name}{{{}}} {text} {integer}{ts}",
        labels.join(",")
    )
}

fn render_diag(d: &Diagnostic) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    format!("{} {severity}: {}", d.line.unwrap_or(0), d.message)
}

fn cut(what: &str) -> String {
    format!("the document is cut off here ({what}); everything before it is used")
}

struct Case {
    name: &'static str,
    input: &'static str,
    samples: &'static [&'static str],
    diagnostics: &'static [&'static str],
}

const CUT_LABELS: &str = "a sample line stops inside its labels";
const CUT_SHORT: &str = "the last sample line is shorter than the ones before it";
const CUT_LINE: &str = "the last line is incomplete";

#[test]
fn table() {
    let cases = [
        Case {
            name: "clean kubelet /metrics/resource",
            input: "# HELP node_memory_working_set_bytes [ALPHA] Current working set of the node in bytes
# TYPE node_memory_working_set_bytes gauge
node_memory_working_set_bytes 8.63531008e+08 1710222817924
# HELP pod_memory_working_set_bytes [ALPHA] Current working set of the pod in bytes
# TYPE pod_memory_working_set_bytes gauge
pod_memory_working_set_bytes{namespace=\"kube-system\",pod=\"calico-node-aaaaa\"} 4.27851776e+08 1710222825432
# HELP scrape_error [ALPHA] 1 if there was an error while getting container metrics, 0 otherwise
# TYPE scrape_error gauge
scrape_error 0
",
            samples: &[
                "0 3 node_memory_working_set_bytes{} 8.63531008e+08 =863531008 @1710222817924",
                "0 6 pod_memory_working_set_bytes{namespace=\"kube-system\",pod=\"calico-node-aaaaa\"} 4.27851776e+08 =427851776 @1710222825432",
                "0 9 scrape_error{} 0 =0",
            ],
            diagnostics: &[],
        },
        Case {
            name: "truncated inside the labels",
            input: "node_memory_working_set_bytes 8.63531008e+08 1710222817924
container_memory_working_set_bytes{container=\"calico-node\",namespace=\"kube-sys",
            samples: &["0 1 node_memory_working_set_bytes{} 8.63531008e+08 =863531008 @1710222817924"],
            diagnostics: &["2 warning: CUT_LABELS"],
        },
        Case {
            name: "truncated: timestamp missing on the last line",
            input: "container_memory_working_set_bytes{container=\"a\",pod=\"p\"} 1.34934528e+08 1710222816920
container_memory_working_set_bytes{container=\"b\",pod=\"q\"} 1.57",
            samples: &["0 1 container_memory_working_set_bytes{container=\"a\",pod=\"p\"} 1.34934528e+08 =134934528 @1710222816920"],
            diagnostics: &["2 warning: CUT_SHORT"],
        },
        Case {
            name: "truncated: timestamp shorter on the last line",
            input: "container_memory_working_set_bytes{container=\"a\",pod=\"p\"} 1.34934528e+08 1710222816920
container_memory_working_set_bytes{container=\"b\",pod=\"q\"} 1.5761408e+07 17102228",
            samples: &["0 1 container_memory_working_set_bytes{container=\"a\",pod=\"p\"} 1.34934528e+08 =134934528 @1710222816920"],
            diagnostics: &["2 warning: CUT_SHORT"],
        },
        Case {
            name: "truncated inside the value",
            input: "scrape_error 0\nnode_memory_working_set_bytes 8.635e\n  \n",
            samples: &["0 1 scrape_error{} 0 =0"],
            diagnostics: &["2 warning: CUT_LINE"],
        },
        Case {
            name: "garbage lines are reported and skipped",
            input: "node_memory_working_set_bytes 8.63531008e+08 1710222817924
{\"kind\": \"NodeMetrics\"}
==== junk ====
this is not a metric
scrape_error 0",
            samples: &[
                "0 1 node_memory_working_set_bytes{} 8.63531008e+08 =863531008 @1710222817924",
                "0 5 scrape_error{} 0 =0",
            ],
            diagnostics: &[
                "2 error: not a Prometheus sample or comment line",
                "3 error: not a Prometheus sample or comment line",
                "4 error: the value is not a number",
            ],
        },
        Case { name: "empty", input: "", samples: &[], diagnostics: &[] },
        Case { name: "blank lines only", input: "\n  \n\t\n", samples: &[], diagnostics: &[] },
        Case {
            name: "overflow past u64 and past f64",
            input: "node_memory_working_set_bytes 1e30
a 18446744073709551616
b 18446744073709551615
c 1e400
d 1",
            samples: &[
                "0 1 node_memory_working_set_bytes{} 1e30 !overflow",
                "0 2 a{} 18446744073709551616 !overflow",
                "0 3 b{} 18446744073709551615 =18446744073709551615",
                "0 5 d{} 1 =1",
            ],
            diagnostics: &[
                "4 error: the value is past the range of a 64-bit float, which Go's ParseFloat rejects",
            ],
        },
        Case {
            name: "CRLF line ends",
            input: "# TYPE scrape_error gauge\r\nscrape_error 0\r\nnode_memory_working_set_bytes 8.63531008e+08 1710222817924\r\n",
            samples: &[
                "0 2 scrape_error{} 0 =0",
                "0 3 node_memory_working_set_bytes{} 8.63531008e+08 =863531008 @1710222817924",
            ],
            diagnostics: &[],
        },
        Case {
            name: "tabs and spaces between the parts",
            input: "node_memory_working_set_bytes\t8.63531008e+08\t1710222817924
  pod_memory_working_set_bytes { namespace = \"a\" ,\tpod=\"b\" , }\t 15\t  2
x{a=\"1\"}7",
            samples: &[
                "0 1 node_memory_working_set_bytes{} 8.63531008e+08 =863531008 @1710222817924",
                "0 2 pod_memory_working_set_bytes{namespace=\"a\",pod=\"b\"} 15 =15 @2",
                "0 3 x{a=\"1\"} 7 =7",
            ],
            diagnostics: &[],
        },
        Case {
            name: "thousands separators are not Prometheus numbers",
            input: "node_memory_working_set_bytes 863,531,008\nscrape_error 0",
            samples: &["0 2 scrape_error{} 0 =0"],
            diagnostics: &["1 error: the value is not a number"],
        },
        Case {
            name: "NaN, infinities, fractions, negatives",
            input: "a NaN\nb +Inf\nc -Inf\nd -1.5\ne 1.7102115924097388e+09\nf -0",
            samples: &[
                "0 1 a{} NaN !not_finite",
                "0 2 b{} +Inf !not_finite",
                "0 3 c{} -Inf !not_finite",
                "0 4 d{} -1.5 !negative",
                "0 5 e{} 1.7102115924097388e+09 !fraction",
                "0 6 f{} -0 =0",
            ],
            diagnostics: &[],
        },
        Case {
            name: "escaped label values",
            input: r#"a{path="C:\\dir",msg="say \"hi\"\nbye",odd="\q",empty=""} 1"#,
            samples: &[r#"0 1 a{path="C:\\dir",msg="say \"hi\"\nbye",odd="\\q",empty=""} 1 =1"#],
            diagnostics: &[],
        },
        Case {
            name: "a family that comes back starts a second scrape",
            input: "# TYPE a gauge\na 1\n# TYPE b gauge\nb 2\n# TYPE a gauge\na 3\n# TYPE b gauge\nb 4",
            samples: &["0 2 a{} 1 =1", "0 4 b{} 2 =2", "1 6 a{} 3 =3", "1 8 b{} 4 =4"],
            diagnostics: &[],
        },
        Case {
            name: "a second HELP for the current family starts a second scrape",
            input: "# HELP a x\n# TYPE a gauge\na 1\n# HELP a x\n# TYPE a gauge\na 2",
            samples: &["0 3 a{} 1 =1", "1 6 a{} 2 =2"],
            diagnostics: &[],
        },
        Case {
            name: "a repeated unlabelled sample starts a second scrape",
            input: "node_memory_working_set_bytes 1 100\nnode_memory_working_set_bytes 2 200",
            samples: &[
                "0 1 node_memory_working_set_bytes{} 1 =1 @100",
                "1 2 node_memory_working_set_bytes{} 2 =2 @200",
            ],
            diagnostics: &[],
        },
        Case {
            name: "a family's first series coming back starts a second scrape",
            input: "w{pod=\"a\"} 1\nw{pod=\"b\"} 2\nw{pod=\"a\"} 3\nw{pod=\"b\"} 4\nw{pod=\"b\"} 5",
            samples: &[
                "0 1 w{pod=\"a\"} 1 =1",
                "0 2 w{pod=\"b\"} 2 =2",
                "1 3 w{pod=\"a\"} 3 =3",
                "1 4 w{pod=\"b\"} 4 =4",
                "1 5 w{pod=\"b\"} 5 =5",
            ],
            diagnostics: &[],
        },
        Case {
            name: "samples without HELP: a name seen before in the scrape",
            input: "a{x=\"1\"} 1\nb 2\na{x=\"1\"} 3",
            samples: &["0 1 a{x=\"1\"} 1 =1", "0 2 b{} 2 =2", "1 3 a{x=\"1\"} 3 =3"],
            diagnostics: &[],
        },
        Case {
            name: "OpenMetrics: # EOF ends a scrape, exemplars and trailing commas",
            input: "# TYPE a counter\na_total{x=\"1\",} 5 # {trace_id=\"abc\"} 1\n# EOF\n# TYPE a counter\na_total 6 1710222817.924\n# EOF",
            samples: &["0 2 a_total{x=\"1\"} 5 =5", "1 5 a_total{} 6 =6 @1710222817.924"],
            diagnostics: &[],
        },
        Case {
            name: "histogram and summary samples stay in their family",
            input: "# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0.3\nh_count 2\n# TYPE s summary\ns{quantile=\"0.5\"} 1e-05\ns_sum 1\ns_count 2",
            samples: &[
                "0 2 h_bucket{le=\"0.1\"} 1 =1",
                "0 3 h_bucket{le=\"+Inf\"} 2 =2",
                "0 4 h_sum{} 0.3 !fraction",
                "0 5 h_count{} 2 =2",
                "0 7 s{quantile=\"0.5\"} 1e-05 !fraction",
                "0 8 s_sum{} 1 =1",
                "0 9 s_count{} 2 =2",
            ],
            diagnostics: &[],
        },
        Case {
            name: "malformed samples",
            input: "a{x=1} 1
a{1x=\"1\"} 1
a{x=\"1\" y=\"2\"} 1
a{x \"1\"} 1
a 1 2 3
a 1 soon
a 1 99999999999999999999
a 1 1710222817.924
a1
a+1
ok 1
",
            samples: &["0 8 a{} 1 =1 @1710222817.924", "0 11 ok{} 1 =1"],
            diagnostics: &[
                "1 error: a label value is not in double quotes",
                "2 error: a label name is missing or has characters a name cannot",
                "3 error: two labels are not separated by `,`",
                "4 error: a label name is not followed by `=`",
                "5 error: unexpected text after the timestamp",
                "6 error: the timestamp is not a number",
                "7 error: the timestamp is past the range of a 64-bit integer of milliseconds",
                "9 error: the sample has no value",
                "10 error: no space between the metric name and its value",
                "8 warning: a timestamp with a fraction, which Prometheus text does not have \
                 (only OpenMetrics, in seconds); the sample is read without it",
            ],
        },
        Case {
            name: "comment lines",
            input: "# HELP\n# TYPE a\n# TYPE b gaugee\nb 1\n# just a comment\n#\n# HELP c Has a \\\\ and \\n.\nc 2",
            samples: &["0 4 b{} 1 =1", "0 8 c{} 2 =2"],
            diagnostics: &[
                "1 error: a `# HELP` line without a metric name",
                "2 error: a `# TYPE` line without a type",
                "3 warning: an unknown metric type; the family is read as untyped",
            ],
        },
    ];
    for case in &cases {
        let (exp, diags) = run(case.input);
        let got: Vec<String> = exp.samples().map(render).collect();
        let got_diags: Vec<String> = diags.iter().map(render_diag).collect();
        let want_diags: Vec<String> = case
            .diagnostics
            .iter()
            .map(|d| {
                d.replace("CUT_LABELS", &cut(CUT_LABELS))
                    .replace("CUT_SHORT", &cut(CUT_SHORT))
                    .replace("CUT_LINE", &cut(CUT_LINE))
            })
            .collect();
        assert_eq!(
            got, case.samples,
            "case {:?}\nexpected {:#?}\nactual   {:#?}",
            case.name, case.samples, got
        );
        assert_eq!(
            got_diags, want_diags,
            "case {:?}\nexpected {:#?}\nactual   {:#?}",
            case.name, want_diags, got_diags
        );
    }
}

#[test]
fn every_error_names_what_was_expected() {
    let (_, diags) = run("a{x=1} 1\nhello\na 1,5\na 1 x\n# TYPE a\nok 1");
    let expected: Vec<Option<&str>> = diags.iter().map(|d| d.expected.as_deref()).collect();
    assert_eq!(
        expected,
        [
            Some(SAMPLE),
            Some(SAMPLE),
            Some("a value such as `1.34934528e+08`, `0`, `NaN`, `+Inf` or `-Inf`"),
            Some("a timestamp in milliseconds, such as `1710222817924`"),
            Some("`# TYPE name counter|gauge|histogram|summary|untyped`"),
        ]
    );
}

#[test]
fn families_keep_help_type_and_stability() {
    let (exp, _) = run(
        "# HELP node_memory_working_set_bytes [ALPHA] Current working set of the node in bytes
# TYPE node_memory_working_set_bytes gauge
node_memory_working_set_bytes 8.63531008e+08 1710222817924
# TYPE h histogram
# HELP h [STABLE]
h_bucket{le=\"1\"} 1
h_count 1
x 1",
    );
    let got: Vec<String> = exp
        .families()
        .map(|f| {
            let stability = f.stability().map_or("-", Stability::as_str);
            let help = f.help().unwrap_or("-");
            let (name, kind, n) = (f.name(), f.metric_type().as_str(), f.samples().count());
            format!("{} {name} {kind} {stability} {help:?} {n}", f.at().line)
        })
        .collect();
    assert_eq!(
        got,
        [
            "1 node_memory_working_set_bytes gauge ALPHA \"Current working set of the node in bytes\" 1",
            "4 h histogram STABLE \"\" 2",
            "8 x untyped - \"-\" 1",
        ]
    );
    assert_eq!(exp.scrapes(), 1);
    assert_eq!(exp.family(0, "h").map(|f| f.samples().count()), Some(2));
    assert!(exp.family(1, "h").is_none());
}

#[test]
fn c45_two_scrapes_of_metrics_resource() {
    let docs = input::read(&[Source::file("metrics-resource.txt", C45)], &[]);
    assert_eq!(docs.len(), 1, "the two scrapes stay one document");
    assert_eq!(docs[0].kind, Kind::Prometheus);
    let parsed = crate::parse::parse(&docs[0]);
    assert_eq!(parsed.diagnostics, []);
    let crate::parse::Facts::Prometheus(exp) = parsed.facts else {
        panic!("not read as Prometheus text: {:?}", parsed.facts);
    };
    assert_eq!(exp.scrapes(), 2);

    // tests/fixtures/field/C45/expected.md: (scrape, series, pod, container, bytes).
    let rows: &[(u32, &str, &str, &str, u64)] = &[
        (0, "node", "", "", 863531008),
        (1, "node", "", "", 764698624),
        (
            0,
            "container",
            "calico-node-aaaaa",
            "calico-node",
            134934528,
        ),
        (0, "pod", "calico-node-aaaaa", "", 427851776),
        (0, "container", "kube-proxy-bbbbb", "kube-proxy", 15761408),
        (0, "pod", "kube-proxy-bbbbb", "", 15949824),
        (
            1,
            "container",
            "calico-node-ccccc",
            "calico-node",
            169046016,
        ),
        (1, "pod", "calico-node-ccccc", "", 169283584),
        (
            1,
            "container",
            "metrics-server-xxxxxxxxxx-xxxxx",
            "metrics-server",
            14942208,
        ),
        (1, "pod", "metrics-server-xxxxxxxxxx-xxxxx", "", 15130624),
    ];
    for &(scrape, series, pod, container, bytes) in rows {
        let resource = exp.kubelet_resource(scrape);
        let sample = match series {
            "node" => resource.node_memory_working_set_bytes,
            "pod" => resource
                .pods
                .iter()
                .find(|p| p.pod == pod && p.namespace == "kube-system")
                .and_then(|p| p.memory_working_set_bytes),
            _ => resource
                .containers
                .iter()
                .find(|c| c.pod == pod && c.container == container)
                .and_then(|c| c.memory_working_set_bytes),
        };
        let got = sample.map(|s| (s.scrape(), s.integer(), s.go_uint64().value));
        assert_eq!(
            got,
            Some((scrape, Ok(bytes), bytes)),
            "scrape {scrape} {series} {pod} {container}"
        );
    }

    // The node series with its line and timestamp, as the accounting will cite it.
    let node = exp.kubelet_resource(0).node_memory_working_set_bytes;
    let node = node.map(|s| (s.bytes(), s.timestamp_ms(), s.text()));
    let at = At {
        doc: docs[0].id,
        line: 18,
    };
    assert_eq!(
        node,
        Some((
            Ok(Val::new(863531008, at)),
            Some(1710222817924),
            "8.63531008e+08"
        ))
    );

    // Each scrape's other series.
    let first = exp.kubelet_resource(0);
    let cpu = first
        .node_cpu_usage_seconds_total
        .map(|s| (s.float(), s.integer()));
    assert_eq!(cpu, Some((254.050927655, Err(NotWhole::Fraction))));
    let start = first.containers.first().and_then(|c| c.start_time_seconds);
    assert_eq!(start.map(|s| s.float()), Some(1.7102115924097388e9));
    let swap: Vec<_> = first
        .pods
        .iter()
        .map(|p| p.swap_usage_bytes.map(|s| s.integer()))
        .collect();
    assert_eq!(swap, [Some(Ok(0)), Some(Ok(0))]);
    assert_eq!(first.scrape_error.map(|s| s.integer()), Some(Ok(0)));
    let second = exp.kubelet_resource(1);
    assert_eq!((second.containers.len(), second.pods.len()), (3, 3));
    assert!(
        second
            .containers
            .iter()
            .all(|c| c.start_time_seconds.is_none())
    );
    assert_eq!(exp.kubelet_resource(2).containers.len(), 0);
    let flavors = exp.flavors(0);
    assert!(flavors.kubelet_resource && !flavors.cadvisor && !flavors.node_exporter);
}

#[test]
fn kubelet_resource_swap_and_repeats() {
    let (exp, diags) = run("node_swap_usage_bytes 4.096e+03 10
container_swap_usage_bytes{container=\"c\",namespace=\"n\",pod=\"p\"} 8192 10
container_memory_working_set_bytes{container=\"c\",namespace=\"n\",pod=\"p\"} 1 10
container_memory_working_set_bytes{container=\"d\",namespace=\"n\",pod=\"p\"} 2 10
pod_swap_usage_bytes{namespace=\"n\",pod=\"p\"} 12288 10
container_memory_working_set_bytes{container=\"c\",namespace=\"n\",pod=\"p\"} 3 20");
    assert_eq!(diags, []);
    let int = |s: Option<SampleRef<'_>>| s.map(|s| s.integer());
    let first = exp.kubelet_resource(0);
    assert_eq!(int(first.node_swap_usage_bytes), Some(Ok(4096)));
    let containers: Vec<_> = first
        .containers
        .iter()
        .map(|c| {
            (
                c.container,
                int(c.swap_usage_bytes),
                int(c.memory_working_set_bytes),
            )
        })
        .collect();
    assert_eq!(
        containers,
        [("c", Some(Ok(8192)), Some(Ok(1))), ("d", None, Some(Ok(2)))]
    );
    assert_eq!(
        first.pods.first().map(|p| int(p.swap_usage_bytes)),
        Some(Some(Ok(12288)))
    );
    // The container's first series coming back is the next scrape.
    let second = exp.kubelet_resource(1);
    let ws: Vec<_> = second
        .containers
        .iter()
        .map(|c| int(c.memory_working_set_bytes))
        .collect();
    assert_eq!(ws, [Some(Ok(3))]);
}

/// A hand-written excerpt in the shape kubelet's `/metrics/cadvisor` serves.
const CADVISOR: &str = r#"# HELP cadvisor_version_info A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.
# TYPE cadvisor_version_info gauge
cadvisor_version_info{cadvisorRevision="",cadvisorVersion="",dockerVersion="",kernelVersion="5.15.0-1057-azure",osVersion="Ubuntu 22.04.4 LTS"} 1
# HELP container_memory_cache Number of bytes of page cache memory.
# TYPE container_memory_cache gauge
container_memory_cache{container="",id="/",image="",name="",namespace="",pod=""} 5.332332544e+09 1710222817924
container_memory_cache{container="kube-proxy",id="/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod5d1c.slice/cri-containerd-0a1b.scope",image="registry.k8s.io/kube-proxy:v1.29.2",name="0a1b",namespace="kube-system",pod="kube-proxy-bbbbb"} 1.2288e+06 1710222816920
# HELP container_memory_rss Size of RSS in bytes.
# TYPE container_memory_rss gauge
container_memory_rss{container="",id="/",image="",name="",namespace="",pod=""} 6.33847808e+08 1710222817924
# HELP container_memory_total_inactive_file_bytes Current total inactive file in bytes.
# TYPE container_memory_total_inactive_file_bytes gauge
container_memory_total_inactive_file_bytes{container="",id="/",image="",name="",namespace="",pod=""} 4.634497024e+09 1710222817924
# HELP container_memory_usage_bytes Current memory usage in bytes, including all memory regardless of when it was accessed
# TYPE container_memory_usage_bytes gauge
container_memory_usage_bytes{container="",id="/",image="",name="",namespace="",pod=""} 5.966180352e+09 1710222817924
# HELP container_memory_working_set_bytes Current working set in bytes.
# TYPE container_memory_working_set_bytes gauge
container_memory_working_set_bytes{container="",id="/",image="",name="",namespace="",pod=""} 1.331683328e+09 1710222817924
container_memory_working_set_bytes{container="kube-proxy",id="/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod5d1c.slice/cri-containerd-0a1b.scope",image="registry.k8s.io/kube-proxy:v1.29.2",name="0a1b",namespace="kube-system",pod="kube-proxy-bbbbb"} 1.5761408e+07 1710222816920
# HELP container_spec_memory_limit_bytes Memory limit for the container.
# TYPE container_spec_memory_limit_bytes gauge
container_spec_memory_limit_bytes{container="",id="/",image="",name="",namespace="",pod=""} 0
# HELP machine_memory_bytes Amount of memory installed on the machine.
# TYPE machine_memory_bytes gauge
machine_memory_bytes{boot_id="6b0e3f8e",machine_id="3f2a1b0c",system_uuid="ec2a5f3e"} 1.6786681856e+10
"#;

/// A hand-written excerpt in the shape node_exporter 1.7 serves (meminfo values: kubernetes
/// #118916's `/proc/meminfo`, accounting.md 9.2).
const NODE_EXPORTER: &str = "# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile=\"0\"} 2.8e-05
go_gc_duration_seconds{quantile=\"0.5\"} 4.1e-05
go_gc_duration_seconds{quantile=\"1\"} 0.000411
go_gc_duration_seconds_sum 0.052213
go_gc_duration_seconds_count 1071
# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1.84357e+06
node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 35412.63
# HELP node_exporter_build_info A metric with a constant '1' value labeled by version, revision, branch, goversion from which node_exporter was built, and the goos and goarch for the build.
# TYPE node_exporter_build_info gauge
node_exporter_build_info{branch=\"HEAD\",goarch=\"amd64\",goos=\"linux\",goversion=\"go1.21.4\",revision=\"7333465abf9efba81876303bb57e6fadb946041b\",tags=\"netgo osusergo static_build\",version=\"1.7.0\"} 1
# HELP node_memory_Active_anon_bytes Memory information field Active_anon_bytes.
# TYPE node_memory_Active_anon_bytes gauge
node_memory_Active_anon_bytes 1.2288e+08
# HELP node_memory_AnonPages_bytes Memory information field AnonPages_bytes.
# TYPE node_memory_AnonPages_bytes gauge
node_memory_AnonPages_bytes 6.33847808e+08
# HELP node_memory_Buffers_bytes Memory information field Buffers_bytes.
# TYPE node_memory_Buffers_bytes gauge
node_memory_Buffers_bytes 1.35520256e+08
# HELP node_memory_Cached_bytes Memory information field Cached_bytes.
# TYPE node_memory_Cached_bytes gauge
node_memory_Cached_bytes 5.332332544e+09
# HELP node_memory_HugePages_Total Memory information field HugePages_Total.
# TYPE node_memory_HugePages_Total gauge
node_memory_HugePages_Total 0
# HELP node_memory_Inactive_file_bytes Memory information field Inactive_file_bytes.
# TYPE node_memory_Inactive_file_bytes gauge
node_memory_Inactive_file_bytes 4.634497024e+09
# HELP node_memory_KReclaimable_bytes Memory information field KReclaimable_bytes.
# TYPE node_memory_KReclaimable_bytes gauge
node_memory_KReclaimable_bytes 2.92683776e+08
# HELP node_memory_MemAvailable_bytes Memory information field MemAvailable_bytes.
# TYPE node_memory_MemAvailable_bytes gauge
node_memory_MemAvailable_bytes 1.53814016e+10
# HELP node_memory_MemFree_bytes Memory information field MemFree_bytes.
# TYPE node_memory_MemFree_bytes gauge
node_memory_MemFree_bytes 9.978007552e+09
# HELP node_memory_MemTotal_bytes Memory information field MemTotal_bytes.
# TYPE node_memory_MemTotal_bytes gauge
node_memory_MemTotal_bytes 1.6786681856e+10
# HELP node_memory_SReclaimable_bytes Memory information field SReclaimable_bytes.
# TYPE node_memory_SReclaimable_bytes gauge
node_memory_SReclaimable_bytes 2.92683776e+08
# HELP node_memory_Shmem_bytes Memory information field Shmem_bytes.
# TYPE node_memory_Shmem_bytes gauge
node_memory_Shmem_bytes 2.555904e+06
# HELP node_memory_SwapTotal_bytes Memory information field SwapTotal_bytes.
# TYPE node_memory_SwapTotal_bytes gauge
node_memory_SwapTotal_bytes 0
# HELP node_memory_numa_MemFree Free memory of the NUMA node.
# TYPE node_memory_numa_MemFree gauge
node_memory_numa_MemFree{node=\"0\"} 9.978007552e+09
";

#[test]
fn detect_classifies_cadvisor_and_node_exporter_text() {
    let sources = [
        Source::paste(CADVISOR),
        Source::paste(NODE_EXPORTER),
        Source::paste(format!(
            "$ curl -s localhost:9100/metrics | grep node_memory_Mem\n{}",
            {
                NODE_EXPORTER
                    .lines()
                    .filter(|l| l.contains("node_memory_Mem"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        )),
        Source::paste(format!(
            "$ kubectl get --raw /api/v1/nodes/node-a/proxy/metrics/cadvisor\n{}",
            CADVISOR
                .lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n")
        )),
        Source::paste(C45),
    ];
    for source in &sources {
        let docs = input::read(std::slice::from_ref(source), &[]);
        let kinds: Vec<Kind> = docs.iter().map(|d| d.kind).collect();
        let head = source.text.lines().next().unwrap_or("");
        assert_eq!(kinds, [Kind::Prometheus], "paste starting {head:?}");
    }
}

#[test]
fn cadvisor_series_by_cgroup() {
    let (exp, diags) = run(CADVISOR);
    assert_eq!(diags, []);
    let flavors = exp.flavors(0);
    assert!(flavors.cadvisor && !flavors.kubelet_resource && !flavors.node_exporter);
    let cadvisor = exp.cadvisor(0);
    assert_eq!(
        cadvisor.machine_memory_bytes.map(|s| s.integer()),
        Some(Ok(16786681856))
    );
    let ids: Vec<&str> = cadvisor.cgroups.iter().map(|c| c.id).collect();
    assert_eq!(
        ids,
        [
            "/",
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod5d1c.slice/cri-containerd-0a1b.scope"
        ]
    );
    let root = cadvisor.root().map(|r| {
        let bytes = |m| r.get(m).map(|s| s.integer());
        (
            bytes(CadvisorMemory::UsageBytes),
            bytes(CadvisorMemory::WorkingSetBytes),
            bytes(CadvisorMemory::Rss),
            bytes(CadvisorMemory::Cache),
            bytes(CadvisorMemory::TotalInactiveFileBytes),
            bytes(CadvisorMemory::SpecLimitBytes),
            bytes(CadvisorMemory::Swap),
        )
    });
    assert_eq!(
        root,
        Some((
            Some(Ok(5966180352)),
            Some(Ok(1331683328)),
            Some(Ok(633847808)),
            Some(Ok(5332332544)),
            Some(Ok(4634497024)),
            Some(Ok(0)),
            None,
        ))
    );
    let proxy = cadvisor.cgroups.get(1).map(|c| {
        (
            c.namespace,
            c.pod,
            c.container,
            c.bytes(CadvisorMemory::WorkingSetBytes)
                .map(|b| b.map(|v| v.value)),
        )
    });
    assert_eq!(
        proxy,
        Some((
            Some("kube-system"),
            Some("kube-proxy-bbbbb"),
            Some("kube-proxy"),
            Some(Ok(15761408))
        ))
    );
    // The generic lookups see the same samples.
    let ws: Vec<u64> = exp
        .select(
            "container_memory_working_set_bytes",
            &[("namespace", "kube-system")],
        )
        .filter_map(|s| s.integer().ok())
        .collect();
    assert_eq!(ws, [15761408]);
    let root_rss = exp
        .gauge(0, "container_memory_rss", &[("id", "/")])
        .map(|s| s.at().line);
    assert_eq!(root_rss, Some(10));
}

#[test]
fn node_exporter_meminfo_back_to_kib() {
    let (exp, diags) = run(NODE_EXPORTER);
    assert_eq!(diags, []);
    assert!(exp.flavors(0).node_exporter);
    let meminfo = exp.node_meminfo(0);
    // KReclaimable is outside the fixed list of node_exporter ≥ 1.9.
    assert_eq!(meminfo.naming, MeminfoNaming::Dynamic);
    let rows: &[(&str, MeminfoUnit, u64)] = &[
        ("Active(anon)", MeminfoUnit::Kib, 120000),
        ("AnonPages", MeminfoUnit::Kib, 618992),
        ("Buffers", MeminfoUnit::Kib, 132344),
        ("Cached", MeminfoUnit::Kib, 5207356),
        ("HugePages_Total", MeminfoUnit::Count, 0),
        ("Inactive(file)", MeminfoUnit::Kib, 4525876),
        ("KReclaimable", MeminfoUnit::Kib, 285824),
        ("MemAvailable", MeminfoUnit::Kib, 15020900),
        ("MemFree", MeminfoUnit::Kib, 9744148),
        ("MemTotal", MeminfoUnit::Kib, 16393244),
        ("SReclaimable", MeminfoUnit::Kib, 285824),
        ("Shmem", MeminfoUnit::Kib, 2496),
        ("SwapTotal", MeminfoUnit::Kib, 0),
    ];
    let got: Vec<(&str, MeminfoUnit, Result<u64, MeminfoProblem>)> = meminfo
        .values
        .iter()
        .map(|v| (v.key, v.unit, v.value))
        .collect();
    let want: Vec<(&str, MeminfoUnit, Result<u64, MeminfoProblem>)> =
        rows.iter().map(|&(k, u, v)| (k, u, Ok(v))).collect();
    assert_eq!(got, want);
    assert_eq!(
        meminfo
            .value("MemTotal")
            .map(|v| v.map(|v| (v.value, v.at.line))),
        Some(Ok((16393244, 44)))
    );

    // ≥ 1.9 names only: the generation cannot be told; a value off the KiB grid is flagged.
    let (exp, _) = run(
        "node_memory_MemTotal_bytes 1.6786681856e+10\nnode_memory_MemFree_bytes 1000\nnode_memory_Cached_bytes 1.5",
    );
    let meminfo = exp.node_meminfo(0);
    assert_eq!(meminfo.naming, MeminfoNaming::FixedList);
    let got: Vec<_> = meminfo.values.iter().map(|v| v.value).collect();
    assert_eq!(
        got,
        [
            Ok(16393244),
            Err(MeminfoProblem::NotKib),
            Err(MeminfoProblem::NotWhole(NotWhole::Fraction))
        ]
    );
}

#[test]
fn through_input_read_with_ansi_and_crlf() {
    let paste = "$ curl -s http://127.0.0.1:10255/metrics/resource\r\n\
        \x1b[1;34m# HELP node_memory_working_set_bytes [ALPHA] Current working set of the node in bytes\x1b[0m\r\n\
        \x1b[1;34m# TYPE node_memory_working_set_bytes gauge\x1b[0m\r\n\
        \x1b[32mnode_memory_working_set_bytes\x1b[0m 8.63531008e+08 1710222817924\r\n\
        scrape_error 0\r\n";
    let docs = input::read(&[Source::paste(paste)], &[]);
    assert_eq!(
        docs.iter().map(|d| d.kind).collect::<Vec<_>>(),
        [Kind::Prometheus]
    );
    let parsed = crate::parse::parse(&docs[0]);
    assert_eq!(parsed.diagnostics, []);
    let crate::parse::Facts::Prometheus(exp) = parsed.facts else {
        panic!("not Prometheus: {:?}", parsed.facts);
    };
    let got: Vec<String> = exp.samples().map(render).collect();
    assert_eq!(
        got,
        [
            "0 4 node_memory_working_set_bytes{} 8.63531008e+08 =863531008 @1710222817924",
            "0 5 scrape_error{} 0 =0",
        ]
    );
}

#[test]
fn ten_megabytes_of_garbage_on_one_line() {
    let garbage = "x".repeat(5_000_000) + &"{\"\\".repeat(2_000_000);
    let unclosed = format!("a{{b=\"{}", "\\\"".repeat(5_000_000));
    let many_labels = format!("a{{{}}} 1", "b=\"c\",".repeat(1_000_000));
    let text = format!("{garbage}\n{unclosed}\nscrape_error 0\n{many_labels}\n");
    let (exp, diags) = run(&text);
    let got: Vec<String> = diags.iter().map(render_diag).collect();
    assert_eq!(
        got,
        [
            "1 error: a label name is missing or has characters a name cannot",
            "2 error: a label value's closing quote is missing"
        ]
    );
    assert_eq!(exp.samples().count(), 2);
    assert_eq!(
        exp.samples().last().map(|s| s.labels().count()),
        Some(1_000_000)
    );
}

#[test]
fn finds_quotes_and_backslashes_eight_bytes_at_a_time() {
    // Fillers next to `"` (0x22) and `\` (0x5c), and bytes with the high bit set.
    let fillers: &[u8] = &[b'a', b'!', b'#', b'[', b']', 0xa2, 0xdc, 0x80, 0xff, 0x00];
    for &filler in fillers {
        for len in 0..40 {
            let plain = vec![filler; len];
            assert_eq!(
                super::find_quote_or_backslash(&plain),
                None,
                "filler {filler:#x} len {len}"
            );
            for at in 0..len {
                for stop in [b'"', b'\\'] {
                    let mut v = plain.clone();
                    v[at] = stop;
                    if let Some(after) = v.get_mut(at + 3) {
                        *after = b'"';
                    }
                    let got = super::find_quote_or_backslash(&v);
                    assert_eq!(
                        got,
                        Some(at),
                        "filler {filler:#x} len {len} stop {stop} at {at}"
                    );
                }
            }
        }
    }
}

#[test]
fn serializes_families_with_samples() {
    let (exp, _) =
        run("# HELP a [ALPHA] The a.\n# TYPE a gauge\na{x=\"1\"} 8.63531008e+08 17\nb 1.5");
    let json = serde_json::to_value(&exp).unwrap_or_default();
    let want = serde_json::json!({
        "scrapes": 1,
        "openmetrics": false,
        "families": [
            {
                "name": "a", "type": "gauge", "help": "The a.", "stability": "ALPHA", "unit": null,
                "scrape": 0, "at": {"doc": "d1", "line": 1},
                "samples": [{
                    "name": "a", "labels": {"x": "1"}, "value": "8.63531008e+08",
                    "float": 863531008.0, "integer": 863531008, "timestamp": "17",
                    "at": {"doc": "d1", "line": 3}
                }]
            },
            {
                "name": "b", "type": "untyped", "help": null, "stability": null, "unit": null,
                "scrape": 0, "at": {"doc": "d1", "line": 4},
                "samples": [{
                    "name": "b", "labels": {}, "value": "1.5", "float": 1.5,
                    "not_whole": "fraction", "timestamp": null, "at": {"doc": "d1", "line": 4}
                }]
            }
        ]
    });
    assert_eq!(json, want);
}

#[test]
fn openmetrics_timestamps_are_seconds() {
    let cases: &[(&str, Option<i64>)] = &[
        ("a 1 1710222817.924\n# EOF", Some(1710222817924)),
        ("a 1 1710222817\n# EOF", Some(1710222817000)),
        ("a 1 1710222817.9\n# EOF", Some(1710222817900)),
        ("a 1 1710222817.92451\n# EOF", None),
        ("a 1 1710222817924", Some(1710222817924)),
        ("a 1 -5", Some(-5)),
        ("a 1 1710222817.924", None),
    ];
    for (text, want) in cases {
        let (exp, _) = run(text);
        let got = exp.samples().next().and_then(|s| s.timestamp_ms());
        assert_eq!(got, *want, "text {text:?}");
    }
}

#[test]
fn go_format_prints_like_strconv() {
    let cases: &[(f64, &str)] = &[
        (1985744896.0, "1.985744896e+09"),
        (863531008.0, "8.63531008e+08"),
        (123456.0, "123456"),
        (1234567.0, "1.234567e+06"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (109.079522718, "109.079522718"),
        (0.0, "0"),
        (1.7102115924097388e9, "1.7102115924097388e+09"),
    ];
    for &(v, want) in cases {
        assert_eq!(generate::go_format(v), want, "value {v:?}");
    }
}

// Cross-checks against the `prometheus-parse` crate: every sample's name, labels, value and
// timestamp agree. It does not undo escapes and splits labels at `,` and `=`, so inputs here
// have plain label values; it folds histogram buckets and summary quantiles into one value, so
// those samples are left out on both sides.

type Flat = (String, Vec<(String, String)>, u64, Option<i64>);

fn flat_value(v: f64) -> u64 {
    if v.is_nan() {
        f64::NAN.to_bits()
    } else {
        v.to_bits()
    }
}

fn ours(text: &str) -> Vec<Flat> {
    let (exp, diags) = run(text);
    assert_eq!(diags, [], "the cross-check inputs are clean");
    let mut out: Vec<Flat> = exp
        .samples()
        .filter(|s| {
            let kind = s.family().metric_type();
            let folded = (kind == MetricType::Histogram && s.name().ends_with("_bucket"))
                || (kind == MetricType::Summary && s.name() == s.family().name());
            !folded
        })
        .map(|s| {
            let mut labels: Vec<(String, String)> = s
                .labels()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            labels.sort();
            (
                s.name().to_string(),
                labels,
                flat_value(s.float()),
                s.timestamp_ms(),
            )
        })
        .collect();
    out.sort();
    out
}

fn theirs(text: &str) -> Vec<Flat> {
    // Samples without a timestamp get the time passed in, here the epoch (no input has 0).
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse_at(lines, Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out: Vec<Flat> = scrape
        .samples
        .iter()
        .filter_map(|s| {
            let v = match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => return None,
            };
            let mut labels: Vec<(String, String)> = s
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            labels.sort();
            let ts = Some(s.timestamp.timestamp_millis()).filter(|&ms| ms != 0);
            Some((s.metric.clone(), labels, flat_value(v), ts))
        })
        .collect();
    out.sort();
    out
}

fn cross_check(name: &str, text: &str) {
    let (a, b) = (ours(text), theirs(text));
    assert_eq!(a.len(), b.len(), "{name}: sample counts differ");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            x, y,
            "{name}: memlens (left) and prometheus-parse (right) disagree"
        );
    }
}

#[test]
fn agrees_with_prometheus_parse() {
    cross_check("C45", C45);
    cross_check("cadvisor excerpt", CADVISOR);
    cross_check("node_exporter excerpt", NODE_EXPORTER);
    cross_check(
        "special values",
        "a NaN\nb +Inf\nc -Inf\nd -1.5e-3\ne 0\nf 1e+30 -17\n",
    );
    cross_check("tabs", "a\t1\t2\nb{x=\"1\"}\t 3\n");
    cross_check(
        "generated /metrics/cadvisor",
        &generate::cadvisor_dump(1_000_000, 7),
    );
}

#[test]
fn generated_dump_reads_cleanly() {
    let text = generate::cadvisor_dump(300_000, 3);
    let (exp, diags) = run(&text);
    assert_eq!(diags, []);
    assert_eq!(exp.scrapes(), 1);
    assert!(exp.families().count() >= 30);
    let cadvisor = exp.cadvisor(0);
    let root = cadvisor
        .root()
        .and_then(|r| r.bytes(CadvisorMemory::WorkingSetBytes));
    assert!(matches!(root, Some(Ok(_))), "root working set: {root:?}");
    let labelled = exp.samples().filter(|s| s.label("id").is_some()).count();
    assert_eq!(
        labelled + 2,
        exp.samples().count(),
        "all but the two machine-wide samples"
    );
}

/// `cargo test -p memlens-core --release -- --ignored --nocapture prometheus_speed`
///
/// Prints MB/s of each step, best of three runs (the machines are shared and noisy). With
/// `MEMLENS_PROMETHEUS_DUMP=path` set it also writes the generated dump there, for timing other
/// parsers on the same text.
#[test]
#[ignore = "timing: run in release mode and read the output"]
fn prometheus_speed() {
    use std::time::{Duration, Instant};
    let text = generate::cadvisor_dump(50_000_000, 11);
    if let Some(path) = std::env::var_os("MEMLENS_PROMETHEUS_DUMP") {
        std::fs::write(path, &text).unwrap_or_else(|e| panic!("writing the dump: {e}"));
    }
    let mb = text.len() as f64 / 1e6;
    let best = |what: &str, runs: usize, step: &mut dyn FnMut()| {
        let mut fastest = Duration::MAX;
        for _ in 0..runs {
            let started = Instant::now();
            step();
            fastest = fastest.min(started.elapsed());
        }
        let s = fastest.as_secs_f64();
        println!("{what:<42} {:>8.1} ms {:>8.1} MB/s", s * 1e3, mb / s);
    };
    println!("{mb:.1} MB, {} lines", text.lines().count());

    // input::read's steps one by one: what a large paste costs before any parser runs.
    best("  input::clean::lines", 3, &mut || {
        assert!(input::clean::lines(&text).count() > 0);
    });
    best("  input::clean::lines + clean", 3, &mut || {
        let n: usize = input::clean::lines(&text)
            .map(|(_, l)| input::clean::clean(l).len())
            .sum();
        assert!(n > 0);
    });
    best("  input::split::command_line on every line", 3, &mut || {
        let lines = input::clean::lines(&text);
        assert_eq!(
            lines
                .filter(|(_, l)| input::split::command_line(l).is_some())
                .count(),
            0
        );
    });
    let source = Source::paste(text.as_str());
    best("  input::split::split", 3, &mut || {
        let mut docs = Vec::new();
        input::split::split(0, &source, &mut docs);
        assert_eq!(docs.len(), 1);
    });
    let mut docs = Vec::new();
    best("input::read (split, clean, detect)", 3, &mut || {
        docs = input::read(std::slice::from_ref(&source), &[]);
    });
    assert_eq!(
        docs.iter().map(|d| d.kind).collect::<Vec<_>>(),
        [Kind::Prometheus]
    );

    let mut exp = Exposition::new(DocId(0));
    best("prometheus::parse", 3, &mut || {
        let mut diags = Diagnostics::new(docs[0].id);
        exp = parse(&docs[0], &mut diags);
        assert!(diags.list.is_empty());
    });
    best("Exposition::cadvisor", 3, &mut || {
        assert!(exp.cadvisor(0).root().is_some());
    });
    println!(
        "{} samples, {} cgroups",
        exp.samples().count(),
        exp.cadvisor(0).cgroups.len()
    );

    best("prometheus-parse Scrape::parse_at", 1, &mut || {
        let lines = text.lines().map(|l| Ok(l.to_string()));
        let scrape = prometheus_parse::Scrape::parse_at(lines, Default::default());
        assert_eq!(
            scrape.map(|s| s.samples.len()).ok(),
            Some(exp.samples().count())
        );
    });
}

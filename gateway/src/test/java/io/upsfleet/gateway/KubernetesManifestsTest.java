package io.upsfleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in {@code deploy/k8s} are well-formed objects of the API versions they
 * name, with no misspelt or unknown field anywhere (each document is read into fabric8's typed
 * model of its kind, and any field the model does not know fails the test with its path), and they
 * fit together: selectors select the pods they are meant to, every named port, volume, secret key
 * and config map exists, the seed nodes are pods of the StatefulSet on its remoting port, and every
 * {@code UPSFLEET_*} variable they set is one the product reads.
 */
class KubernetesManifestsTest {
  private static final Path DIR = Path.of("..", "deploy", "k8s");
  private static final String NAMESPACE = "upsfleet";
  private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Pattern SEED =
      Pattern.compile("pekko://upsfleet@([a-z0-9-]+)-(\\d+)\\.([a-z0-9-]+)\\.[^:]+:(\\d+)");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper MODEL =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** Kind → the API version this project uses for it, and fabric8's model class. */
  private static final Map<String, Map.Entry<String, Class<? extends HasMetadata>>> KINDS =
      Map.of(
          "Namespace", Map.entry("v1", Namespace.class),
          "ConfigMap", Map.entry("v1", ConfigMap.class),
          "Secret", Map.entry("v1", Secret.class),
          "Service", Map.entry("v1", Service.class),
          "StatefulSet", Map.entry("apps/v1", StatefulSet.class),
          "Deployment", Map.entry("apps/v1", Deployment.class),
          "PodDisruptionBudget", Map.entry("policy/v1", PodDisruptionBudget.class),
          "NetworkPolicy", Map.entry("networking.k8s.io/v1", NetworkPolicy.class));

  private static final List<HasMetadata> applied = new ArrayList<>();
  private static final List<HasMetadata> examples = new ArrayList<>();

  @BeforeAll
  static void read() throws IOException {
    JsonNode kustomization = YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
    assertThat(kustomization.path("apiVersion").asText())
        .isEqualTo("kustomize.config.k8s.io/v1beta1");
    assertThat(kustomization.path("namespace").asText()).isEqualTo(NAMESPACE);
    Set<String> listed = new LinkedHashSet<>();
    kustomization.path("resources").forEach(r -> listed.add(r.asText()));
    try (Stream<Path> files = Files.list(DIR)) {
      Set<String> present =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
              .collect(Collectors.toSet());
      Set<String> unlisted = new LinkedHashSet<>(present);
      unlisted.removeAll(listed);
      assertThat(unlisted)
          .as("manifests not in kustomization.yaml (only the secrets example stays out)")
          .containsExactly("secrets.example.yaml");
      assertThat(present).as("kustomization.yaml lists files that exist").containsAll(listed);
    }
    for (String file : listed) applied.addAll(objects(file));
    examples.addAll(objects("secrets.example.yaml"));
  }

  private static List<HasMetadata> objects(String file) throws IOException {
    List<HasMetadata> out = new ArrayList<>();
    try (var docs =
        YAML.readerFor(JsonNode.class).<JsonNode>readValues(DIR.resolve(file).toFile())) {
      int index = 0;
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        String where = file + " document " + index++;
        if (doc == null || doc.isNull() || doc.isEmpty()) continue;
        String kind = doc.path("kind").asText();
        var known = KINDS.get(kind);
        if (known == null) fail(where + ": kind '" + kind + "' is not one this check knows");
        assertThat(doc.path("apiVersion").asText())
            .as(where + " apiVersion")
            .isEqualTo(known.getKey());
        HasMetadata object;
        try {
          object = MODEL.treeToValue(doc, known.getValue());
        } catch (IOException e) {
          throw new AssertionError(where + " (" + kind + ") does not read: " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        unknownFields(object, kind, unknown, new IdentityHashMap<>());
        assertThat(unknown).as(where + ": fields the " + kind + " schema does not have").isEmpty();
        String name = object.getMetadata().getName();
        assertThat(name).as(where + " name").isNotNull().matches(DNS_1123);
        if (!kind.equals("Namespace"))
          assertThat(object.getMetadata().getNamespace())
              .as(where + " namespace")
              .isEqualTo(NAMESPACE);
        out.add(object);
      }
    }
    return out;
  }

  /**
   * Collects every field the typed model did not know: fabric8 keeps those in each object's
   * "additional properties" instead of refusing them, so a misspelt key would otherwise pass.
   */
  private static void unknownFields(
      Object value, String path, List<String> unknown, Map<Object, Boolean> seen) {
    if (value == null || seen.put(value, true) != null) return;
    if (value instanceof Collection<?> c) {
      int i = 0;
      for (Object o : c) unknownFields(o, path + "[" + i++ + "]", unknown, seen);
      return;
    }
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> unknownFields(v, path + "." + k, unknown, seen));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) return;
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) continue;
      Object field;
      try {
        field = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      String name = getter.getName().substring(3);
      if (name.equals("AdditionalProperties")) {
        if (field instanceof Map<?, ?> extra && !extra.isEmpty())
          extra.keySet().forEach(k -> unknown.add(path + "." + k));
      } else {
        unknownFields(field, path + "." + name, unknown, seen);
      }
    }
  }

  private static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static Map<String, PodTemplateSpec> workloads() {
    Map<String, PodTemplateSpec> out = new LinkedHashMap<>();
    for (StatefulSet s : all(applied, StatefulSet.class)) {
      assertThat(s.getSpec().getTemplate().getMetadata().getLabels())
          .as("StatefulSet %s: template labels contain its selector", name(s))
          .containsAllEntriesOf(s.getSpec().getSelector().getMatchLabels());
      out.put("StatefulSet " + name(s), s.getSpec().getTemplate());
    }
    for (Deployment d : all(applied, Deployment.class)) {
      assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
          .as("Deployment %s: template labels contain its selector", name(d))
          .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
      out.put("Deployment " + name(d), d.getSpec().getTemplate());
    }
    return out;
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }

  private static List<PodTemplateSpec> selected(Map<String, String> selector) {
    return workloads().values().stream()
        .filter(t -> t.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
        .toList();
  }

  private static Set<String> portNames(PodTemplateSpec pod) {
    return pod.getSpec().getContainers().stream()
        .flatMap(c -> c.getPorts().stream())
        .map(ContainerPort::getName)
        .collect(Collectors.toSet());
  }

  private static void assertPortIn(IntOrString port, Set<String> names, String where) {
    if (port != null && port.getStrVal() != null)
      assertThat(names)
          .as(where + ": named port '" + port.getStrVal() + "'")
          .contains(port.getStrVal());
  }

  @Test
  void everyWorkloadIsWhole() {
    Map<String, PodTemplateSpec> workloads = workloads();
    assertThat(workloads).isNotEmpty();
    Set<String> configMaps =
        all(applied, ConfigMap.class).stream()
            .map(KubernetesManifestsTest::name)
            .collect(Collectors.toSet());
    Map<String, Secret> secrets =
        all(examples, Secret.class).stream()
            .collect(Collectors.toMap(KubernetesManifestsTest::name, s -> s));
    workloads.forEach(
        (what, pod) -> {
          var spec = pod.getSpec();
          assertThat(spec.getSecurityContext().getRunAsNonRoot())
              .as(what + " runs as non-root")
              .isTrue();
          Set<String> volumes =
              spec.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
          for (Volume v : spec.getVolumes()) {
            if (v.getSecret() != null)
              assertThat(secrets)
                  .as(what + " volume " + v.getName())
                  .containsKey(v.getSecret().getSecretName());
          }
          for (Container c : spec.getContainers()) {
            String where = what + " container " + c.getName();
            assertThat(c.getImage()).as(where + " image").isNotBlank();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(where).isFalse();
            Set<String> ports =
                c.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toSet());
            for (Probe p :
                new Probe[] {c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe()}) {
              if (p == null) continue;
              if (p.getHttpGet() != null)
                assertPortIn(p.getHttpGet().getPort(), ports, where + " probe");
              if (p.getTcpSocket() != null)
                assertPortIn(p.getTcpSocket().getPort(), ports, where + " probe");
            }
            assertThat(c.getLivenessProbe()).as(where + " liveness probe").isNotNull();
            assertThat(c.getReadinessProbe()).as(where + " readiness probe").isNotNull();
            for (VolumeMount m : c.getVolumeMounts())
              assertThat(volumes).as(where + " mount " + m.getMountPath()).contains(m.getName());
            for (EnvFromSource from : c.getEnvFrom()) {
              if (from.getConfigMapRef() != null)
                assertThat(configMaps)
                    .as(where + " envFrom")
                    .contains(from.getConfigMapRef().getName());
            }
            Set<String> defined = new LinkedHashSet<>();
            for (EnvVar e : c.getEnv()) {
              if (e.getValue() != null) {
                Matcher m = VARIABLE.matcher(e.getValue());
                while (m.find())
                  assertThat(defined)
                      .as(where + " env " + e.getName() + " refers to a variable defined before it")
                      .contains(m.group(1));
              }
              if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                SecretKeySelector ref = e.getValueFrom().getSecretKeyRef();
                assertThat(secrets).as(where + " env " + e.getName()).containsKey(ref.getName());
                assertThat(secrets.get(ref.getName()).getStringData())
                    .as(where + " env " + e.getName() + " secret key")
                    .containsKey(ref.getKey());
              }
              defined.add(e.getName());
            }
          }
        });
  }

  @Test
  void servicesBudgetsAndPoliciesSelectPodsAndTheirPorts() {
    for (Service s : all(applied, Service.class)) {
      List<PodTemplateSpec> pods = selected(s.getSpec().getSelector());
      assertThat(pods).as("Service %s selects a workload's pods", name(s)).isNotEmpty();
      for (ServicePort p : s.getSpec().getPorts())
        for (PodTemplateSpec pod : pods)
          assertPortIn(p.getTargetPort(), portNames(pod), "Service " + name(s));
    }
    for (PodDisruptionBudget b : all(applied, PodDisruptionBudget.class))
      assertThat(selected(b.getSpec().getSelector().getMatchLabels()))
          .as("PodDisruptionBudget %s selects pods", name(b))
          .isNotEmpty();
    for (NetworkPolicy n : all(applied, NetworkPolicy.class)) {
      List<PodTemplateSpec> pods = selected(n.getSpec().getPodSelector().getMatchLabels());
      assertThat(pods).as("NetworkPolicy %s selects pods", name(n)).isNotEmpty();
      for (NetworkPolicyIngressRule rule : n.getSpec().getIngress())
        for (NetworkPolicyPort p : rule.getPorts())
          for (PodTemplateSpec pod : pods)
            assertPortIn(p.getPort(), portNames(pod), "NetworkPolicy " + name(n));
    }
  }

  @Test
  void theGatewayFormsOneClusterFromItsOwnPods() {
    List<StatefulSet> sets = all(applied, StatefulSet.class);
    assertThat(sets).hasSize(1);
    StatefulSet set = sets.get(0);
    Service headless =
        all(applied, Service.class).stream()
            .filter(s -> name(s).equals(set.getSpec().getServiceName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Service named by serviceName"));
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
    Container gateway = set.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = new LinkedHashMap<>();
    gateway.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    ConfigMap config = all(applied, ConfigMap.class).get(0);
    String remotingPort = config.getData().get("UPSFLEET_CLUSTER_PORT");
    assertThat(gateway.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("remoting");
              assertThat(p.getContainerPort()).isEqualTo(Integer.parseInt(remotingPort));
            });
    assertThat(env.get("UPSFLEET_CLUSTER_HOST"))
        .isEqualTo(
            "$(POD_NAME)."
                + headless.getMetadata().getName()
                + ".$(POD_NAMESPACE).svc.cluster.local");
    String[] seeds = env.get("UPSFLEET_SEED_NODES").split(",");
    assertThat(seeds).isNotEmpty();
    for (String seed : seeds) {
      Matcher m = SEED.matcher(seed);
      assertThat(m.matches()).as("seed node " + seed).isTrue();
      assertThat(m.group(1)).as(seed + ": a pod of the StatefulSet").isEqualTo(name(set));
      assertThat(Integer.parseInt(m.group(2)))
          .as(seed + ": ordinal")
          .isLessThan(set.getSpec().getReplicas());
      assertThat(m.group(3)).as(seed + ": the headless service").isEqualTo(name(headless));
      assertThat(m.group(4)).as(seed + ": the remoting port").isEqualTo(remotingPort);
    }
    assertThat(seeds[0]).as("the first seed is pod 0, which starts the cluster").contains("-0.");
  }

  @Test
  void everyUpsfleetVariableIsOneTheProductReads() throws IOException {
    Set<String> set = new LinkedHashSet<>();
    for (ConfigMap c : all(applied, ConfigMap.class)) set.addAll(c.getData().keySet());
    workloads()
        .values()
        .forEach(
            pod ->
                pod.getSpec()
                    .getContainers()
                    .forEach(c -> c.getEnv().forEach(e -> set.add(e.getName()))));
    set.removeIf(n -> !n.startsWith("UPSFLEET_"));
    assertThat(set).isNotEmpty();
    StringBuilder sources = new StringBuilder();
    for (String module : List.of("api", "persistence", "cluster", "gateway", "ui")) {
      Path main = Path.of("..", module, "src", "main");
      if (!Files.isDirectory(main)) continue;
      try (Stream<Path> files = Files.walk(main)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String n = f.getFileName().toString();
          if (n.endsWith(".java")
              || n.endsWith(".conf")
              || n.endsWith(".properties")
              || n.endsWith(".xml")) sources.append(Files.readString(f)).append('\n');
        }
      }
    }
    List<String> unknown = set.stream().filter(n -> !sources.toString().contains(n)).toList();
    assertThat(unknown).as("UPSFLEET_* variables no source or configuration reads").isEmpty();
  }
}

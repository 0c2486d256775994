// Scenario loading: task definitions and their containers.
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

namespace ecsim::scenarios::loader {

void Loader::read_task_definitions(const YAML::Node& n) {
  if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "taskDefinitions")) return;
  if (n.size() == 0) ctx_.error(n, "taskDefinitions", "needs at least one task definition");
  std::map<std::string, std::set<int>> revisions;  // per family, the revisions registered
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = idx("taskDefinitions", i);
    Fields f(ctx_, n[i], path, "RegisterTaskDefinition");
    if (!f.valid()) continue;
    TaskDefinitionConfig td;
    // A describe-task-definition paste carries its revision and ARN: a service may name it.
    auto arn = f.str("taskDefinitionArn");
    std::optional<std::string> arn_family;
    std::optional<std::int64_t> arn_revision;
    if (arn) {
      auto r = arn_resource(*arn, "task-definition/");
      const auto colon = r ? r->rfind(':') : std::string::npos;
      if (colon == std::string::npos || colon == 0 || !all_digits(r->substr(colon + 1)) || r->size() - colon > 10)
        ctx_.error(n[i]["taskDefinitionArn"], f.sub("taskDefinitionArn"),
                   "'" + *arn + "' is not a task definition ARN (arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION)");
      else {
        arn_family = r->substr(0, colon);
        arn_revision = std::stoll(r->substr(colon + 1));
      }
    }
    auto family = f.str("family", !arn);
    td.family = family ? *family : arn_family.value_or("");
    auto revision = f.integer("revision", 1, 1'000'000'000);
    if (arn_family && family && *arn_family != *family)
      ctx_.error(n[i]["taskDefinitionArn"], f.sub("taskDefinitionArn"), "the ARN names family '" + *arn_family + "', family is '" + *family + "'");
    if (arn_revision && revision && *arn_revision != *revision)
      ctx_.error(n[i]["taskDefinitionArn"], f.sub("taskDefinitionArn"),
                 "the ARN names revision " + std::to_string(*arn_revision) + ", revision is " + std::to_string(*revision));
    if (!revision) revision = arn_revision;
    auto& used = revisions[td.family];
    if (revision) {
      if (used.count(static_cast<int>(*revision)))
        ctx_.error(n[i][f.has("revision") ? "revision" : "taskDefinitionArn"], f.sub(f.has("revision") ? "revision" : "taskDefinitionArn"),
                   "two task definitions are " + td.family + ":" + std::to_string(*revision));
      td.revision = static_cast<int>(*revision);
    } else {
      td.revision = used.empty() ? 1 : *used.rbegin() + 1;  // as RegisterTaskDefinition numbers them
    }
    used.insert(td.revision);
    std::vector<std::string> compat;
    if (auto c = f.get("requiresCompatibilities"); c.IsDefined() && detail::expect_sequence(ctx_, c, f.sub("requiresCompatibilities"))) {
      for (std::size_t k = 0; k < c.size(); ++k) {
        auto s = detail::scalar_string(ctx_, c[k], idx(f.sub("requiresCompatibilities"), k));
        if (!s) continue;
        if (*s != "FARGATE" && *s != "EC2" && *s != "EXTERNAL" && *s != "MANAGED_INSTANCES")
          ctx_.error(c[k], idx(f.sub("requiresCompatibilities"), k), "unknown value '" + *s + "'; expected one of: EC2, EXTERNAL, FARGATE, MANAGED_INSTANCES");
        compat.push_back(*s);
      }
    }
    const bool fargate = std::find(compat.begin(), compat.end(), "FARGATE") != compat.end();
    // Without requiresCompatibilities a task definition is EC2-compatible (the AWS default).
    td_ec2_.push_back(compat.empty() || std::find(compat.begin(), compat.end(), "EC2") != compat.end());
    const bool managed = std::find(compat.begin(), compat.end(), "MANAGED_INSTANCES") != compat.end();
    td_managed_instances_.push_back(managed);
    auto mode = f.choice("networkMode", {"awsvpc", "bridge", "host", "none"});
    if (mode) {
      td.network_mode = *mode == "awsvpc" ? NetworkMode::kAwsvpc
                        : *mode == "bridge" ? NetworkMode::kBridge
                        : *mode == "host"   ? NetworkMode::kHost
                                            : NetworkMode::kNone;
    } else if (!fargate) {
      td.network_mode = NetworkMode::kBridge;  // the EC2 default
    }
    if (fargate && mode && *mode != "awsvpc")
      ctx_.error(n[i]["networkMode"], f.sub("networkMode"), "Fargate tasks need networkMode awsvpc, got '" + *mode + "'");
    if (fargate && !f.has("networkMode")) ctx_.error(n[i], f.sub("networkMode"), "Fargate tasks need networkMode awsvpc");
    td_fargate_.push_back(fargate);
    if (managed && td.network_mode != NetworkMode::kAwsvpc && td.network_mode != NetworkMode::kHost)
      ctx_.error(mode ? n[i]["networkMode"] : n[i], f.sub("networkMode"),
                 "Managed Instances run tasks in networkMode awsvpc or host only" +
                     std::string(mode ? ", got '" + *mode + "'" : " (the default is bridge): give networkMode awsvpc"));
    auto cpu_node = f.get("cpu", fargate);
    auto mem_node = f.get("memory", fargate);
    std::optional<int> cpu, mem;
    if (cpu_node.IsDefined()) {
      if (auto s = detail::scalar_string(ctx_, cpu_node, f.sub("cpu"))) {
        cpu = parse_cpu(*s);
        if (!cpu) ctx_.error(cpu_node, f.sub("cpu"), "'" + *s + "' is not a CPU value; give CPU units (\"512\") or vCPU (\"0.5 vCPU\")");
      }
    }
    if (mem_node.IsDefined()) {
      if (auto s = detail::scalar_string(ctx_, mem_node, f.sub("memory"))) {
        mem = parse_memory(*s);
        if (!mem) ctx_.error(mem_node, f.sub("memory"), "'" + *s + "' is not a memory value; give MiB (\"1024\") or GB (\"1 GB\")");
      }
    }
    if (fargate && cpu) {
      auto choices = fargate_memory_choices(*cpu);
      if (choices.empty()) {
        ctx_.error(cpu_node, f.sub("cpu"), "cpu " + std::to_string(*cpu) +
                                               " is not a Fargate size; valid cpu values: 256, 512, 1024, 2048, 4096, 8192, 16384");
      } else if (mem && std::find(choices.begin(), choices.end(), *mem) == choices.end()) {
        std::vector<std::string> s;
        for (int c : choices) s.push_back(std::to_string(c));
        ctx_.error(mem_node, f.sub("memory"), "memory " + std::to_string(*mem) + " is not valid with cpu " + std::to_string(*cpu) +
                                                 " on Fargate; valid memory values (MiB): " + detail::join(s));
      }
    }
    td.cpu_units = cpu.value_or(0);
    td.memory_mib = mem.value_or(0);
    task_level_memory_ = mem.has_value();
    task_level_cpu_ = cpu.has_value();
    {
      Fields rp(ctx_, f.get("runtimePlatform"), f.sub("runtimePlatform"), "RuntimePlatform");
      if (auto a = rp.choice("cpuArchitecture", {"X86_64", "ARM64"})) td.architecture = *a == "ARM64" ? CpuArchitecture::kArm64 : CpuArchitecture::kX86_64;
      if (auto o = rp.str("operatingSystemFamily")) {
        if (*o == "LINUX") td.os_family = OsFamily::kLinux;
        else if (o->rfind("WINDOWS", 0) == 0) {
          td.os_family = OsFamily::kWindows;
          ctx_.error(rp.node()["operatingSystemFamily"], rp.sub("operatingSystemFamily"),
                     "Windows tasks are not modelled in this version of ecsim (Fargate Windows pricing and start times differ); use LINUX");
        } else ctx_.error(rp.node()["operatingSystemFamily"], rp.sub("operatingSystemFamily"), "unknown value '" + *o + "'; expected LINUX or a WINDOWS_SERVER_* family");
      }
    }
    {
      Fields es(ctx_, f.get("ephemeralStorage"), f.sub("ephemeralStorage"), "EphemeralStorage");
      if (auto v = es.integer("sizeInGiB", 21, 200)) td.ephemeral_storage_gib = static_cast<int>(*v);
    }
    read_containers(f, td);
    if ((!td_ec2_.back() && !managed) || fargate) td_memory_missing_.push_back(false);
    else td_memory_missing_.push_back(td.memory_mib <= 0);
    {
      Fields e(ctx_, f.get("ecsim"), f.sub("ecsim"));
      if (auto v = e.number("imageSizeMiB", 0, 1e7)) td.image_size_mib = *v;
      if (auto v = e.duration("appStartTime")) td.app_start_time = *v;
      if (auto v = e.boolean("failToStart")) td.fail_to_start = *v;
      if (auto v = e.number("unhealthyFraction", 0, 1)) td.unhealthy_fraction = *v;
      if (auto v = e.number("errorRate", 0, 1)) td.error_rate = *v;
      Fields cap(ctx_, e.get("capacity"), e.sub("capacity"));
      if (auto v = cap.number("requestsPerSecond", 0, 1e12)) td.requests_per_second = *v;
      cap.finish();
      Fields mu(ctx_, e.get("memoryUtilization"), e.sub("memoryUtilization"));
      if (auto v = mu.number("idlePercent", 0, 100)) td.memory_idle_percent = *v;
      if (auto v = mu.number("fullLoadPercent", 0, 100)) td.memory_full_load_percent = *v;
    }
    if (fargate && td.gpus > 0)
      ctx_.error(n[i], f.sub("requiresCompatibilities"),
                 "Fargate does not offer GPUs (ECS rejects GPU task definitions for FARGATE): run it on an Auto Scaling group "
                 "capacity provider with GPU instance types");
    td_constraints_.push_back(read_constraints(f.get("placementConstraints"), f.sub("placementConstraints"), /*task_definition=*/true));
    cfg_.task_definitions.push_back(std::move(td));
  }
}

void Loader::read_containers(Fields& f, TaskDefinitionConfig& td) {
  auto c = f.get("containerDefinitions", true);
  const std::string path = f.sub("containerDefinitions");
  if (!c.IsDefined() || !detail::expect_sequence(ctx_, c, path)) return;
  if (c.size() == 0) {
    ctx_.error(c, path, "needs at least one container");
    return;
  }
  std::map<std::string, int> index;
  std::vector<std::pair<int, int>> edges;
  struct Dep {
    int container;
    std::string name, condition, path;
    YAML::Node node;
  };
  std::vector<Dep> deps;
  for (std::size_t k = 0; k < c.size(); ++k) {
    const std::string cp = idx(path, k);
    Fields cf(ctx_, c[k], cp, "ContainerDefinition");
    if (!cf.valid()) continue;
    ContainerConfig cc;
    cc.name = cf.str("name", true).value_or("");
    if (!cc.name.empty() && !index.emplace(cc.name, static_cast<int>(td.containers.size())).second)
      ctx_.error(c[k]["name"], cf.sub("name"), "two containers are named '" + cc.name + "'");
    cf.str("image", true);
    cc.essential = cf.boolean("essential").value_or(true);
    if (auto v = cf.integer("stopTimeout", 2, 120)) cc.stop_timeout = std::chrono::seconds(*v);
    if (auto rp = cf.get("restartPolicy"); rp.IsDefined()) {
      // In-place container restarts (2024) change how a failing container affects its task.
      if (!rp.IsMap()) ctx_.error(rp, cf.sub("restartPolicy"), "expected a mapping {enabled, ignoredExitCodes, restartAttemptPeriod}");
      else if (auto on = rp["enabled"]; on.IsDefined() && on.IsScalar() && (on.Scalar() == "true" || on.Scalar() == "True"))
        ctx_.error(on, cf.sub("restartPolicy") + ".enabled",
                   "container restart policies are not modelled (a failing container stops its task in ecsim): give enabled: false or remove it");
    }
    // Container-level reservations add up to the task's when the task level has none (EC2).
    auto ccpu = cf.integer("cpu", 0, 10 * 1024 * 192);
    auto cmem = cf.integer("memory", 6, 10'000'000);
    auto cres = cf.integer("memoryReservation", 4, 10'000'000);
    if (!task_level_cpu_ && ccpu) td.cpu_units += static_cast<int>(*ccpu);
    if (!task_level_memory_) td.memory_mib += static_cast<int>(cres ? *cres : cmem.value_or(0));
    if (auto pm = cf.get("portMappings"); pm.IsDefined() && detail::expect_sequence(ctx_, pm, cf.sub("portMappings"))) {
      for (std::size_t q = 0; q < pm.size(); ++q) {
        Fields p(ctx_, pm[q], idx(cf.sub("portMappings"), q), "PortMapping");
        auto container_port = p.integer("containerPort", 0, 65535);
        auto host_port = p.integer("hostPort", 0, 65535);
        if (td.network_mode == NetworkMode::kAwsvpc && host_port && container_port && *host_port != 0 && *host_port != *container_port)
          ctx_.error(pm[q]["hostPort"], p.sub("hostPort"),
                     "in awsvpc mode hostPort must equal containerPort (" + std::to_string(*container_port) +
                         ") or be left out, as ECS requires");
        p.choice("protocol", {"tcp", "udp"});
        // Host ports a task holds on its instance: host mode binds the container port,
        // bridge mode a fixed hostPort (0 or none: a dynamic port, never in conflict).
        int bound = 0;
        if (td.network_mode == NetworkMode::kHost) bound = static_cast<int>(host_port.value_or(container_port.value_or(0)));
        else if (td.network_mode == NetworkMode::kBridge) bound = static_cast<int>(host_port.value_or(0));
        if (bound > 0) {
          if (std::find(td.host_ports.begin(), td.host_ports.end(), bound) != td.host_ports.end())
            ctx_.error(pm[q], p.path(), "host port " + std::to_string(bound) + " is mapped twice in this task definition");
          else td.host_ports.push_back(bound);
        }
      }
    }
    if (auto rr = cf.get("resourceRequirements"); rr.IsDefined() && detail::expect_sequence(ctx_, rr, cf.sub("resourceRequirements"))) {
      for (std::size_t q = 0; q < rr.size(); ++q) {
        Fields r(ctx_, rr[q], idx(cf.sub("resourceRequirements"), q), "ResourceRequirement");
        auto type = r.choice("type", {"GPU", "InferenceAccelerator"}, true);
        auto value = r.str("value", true);
        if (type && *type == "InferenceAccelerator") {
          ctx_.error(rr[q]["type"], r.sub("type"), "Elastic Inference accelerators are not modelled (and discontinued by AWS): remove it");
        } else if (type && value) {
          if (!all_digits(*value) || value->size() > 3 || std::stoi(*value) < 1)
            ctx_.error(rr[q]["value"], r.sub("value"), "'" + *value + "' is not a GPU count; give a whole number such as \"1\"");
          else td.gpus += std::stoi(*value);
        }
      }
    }
    if (auto hc = cf.get("healthCheck"); hc.IsDefined()) {
      Fields h(ctx_, hc, cf.sub("healthCheck"), "HealthCheck");
      HealthCheckConfig cfgh;
      if (auto cmd = h.get("command", true); cmd.IsDefined()) detail::expect_sequence(ctx_, cmd, h.sub("command"));
      if (auto v = h.integer("interval", 5, 300)) cfgh.interval = std::chrono::seconds(*v);
      if (auto v = h.integer("timeout", 2, 60)) cfgh.timeout = std::chrono::seconds(*v);
      if (auto v = h.integer("retries", 1, 10)) cfgh.retries = static_cast<int>(*v);
      if (auto v = h.integer("startPeriod", 0, 300)) cfgh.start_period = std::chrono::seconds(*v);
      cc.health_check = cfgh;
    }
    if (auto d = cf.get("dependsOn"); d.IsDefined() && detail::expect_sequence(ctx_, d, cf.sub("dependsOn"))) {
      for (std::size_t q = 0; q < d.size(); ++q) {
        Fields df(ctx_, d[q], idx(cf.sub("dependsOn"), q), "ContainerDependency");
        auto name = df.str("containerName", true);
        auto cond = df.choice("condition", {"START", "COMPLETE", "SUCCESS", "HEALTHY"}, true);
        if (name) deps.push_back(Dep{static_cast<int>(td.containers.size()), *name, cond.value_or("START"), df.path(), d[q]});
      }
    }
    td.containers.push_back(cc);
  }
  for (const auto& [container, name, cond, dep_path, node] : deps) {
    auto it = index.find(name);
    if (it == index.end()) {
      std::vector<std::string> names;
      for (auto& [nm, _] : index)
        if (!nm.empty()) names.push_back(nm);
      ctx_.error(node["containerName"], dep_path + ".containerName",
                 "no container named '" + name + "' in this task definition; containers: " + detail::join(names));
      continue;
    }
    if (cond == "HEALTHY" && !td.containers[it->second].health_check)
      ctx_.error(node["condition"], dep_path + ".condition", "condition HEALTHY needs a healthCheck on container '" + name + "'");
    edges.emplace_back(container, it->second);
  }
  if (std::none_of(td.containers.begin(), td.containers.end(), [](const ContainerConfig& x) { return x.essential; }))
    ctx_.error(c, path, "at least one container must be essential");
  auto order = detail::container_start_order(static_cast<int>(td.containers.size()), edges);
  if (!order.acyclic) {
    std::vector<std::string> names;
    for (int v : order.cycle) names.push_back(td.containers[v].name);
    ctx_.error(c, path, "dependsOn forms a cycle through containers: " + detail::join(names));
  } else {
    td.start_order = order.order;
    td.start_chain_length = order.chain_length;
  }
}

}  // namespace ecsim::scenarios::loader

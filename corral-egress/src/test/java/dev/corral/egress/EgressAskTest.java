package dev.corral.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalGate;
import dev.corral.core.ApprovalRequest;
import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRecord;
import dev.corral.core.SandboxId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ask mode on the real gateway, with upstreams on 127.0.0.x and a test approval queue. */
class EgressAskTest {
  static final SandboxId SANDBOX = SandboxId.of("ask-yak-0001");
  static final Policy POLICY =
      RulePolicy.of(
          List.of(
              EgressRule.parse("allowed.test:*", EgressRule.Action.ALLOW, "test"),
              EgressRule.parse("denied.test:*", EgressRule.Action.DENY, "test")));

  @TempDir static Path dir;
  static Upstreams upstreams;

  final FakeApprovals approvals = new FakeApprovals();
  final List<String[]> written = new CopyOnWriteArrayList<>();
  final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
  Doubles.Recorder audit = new Doubles.Recorder();
  EgressGateway gateway;
  Listener listener;

  @BeforeAll
  static void startUpstreams() throws Exception {
    upstreams = new Upstreams(dir);
  }

  @AfterAll
  static void stopUpstreams() throws IOException {
    upstreams.close();
  }

  @BeforeEach
  void start() {
    start(approvals, Duration.ofMinutes(1), GatewaySettings.defaults());
  }

  @AfterEach
  void stop() {
    clients.shutdownNow();
    gateway.close();
  }

  /** (Re)starts the gateway with another approval gate or hold time. */
  void restart(ApprovalGate gate, Duration hold) {
    gateway.close();
    start(gate, hold);
  }

  private void start(ApprovalGate gate, Duration hold) {
    start(gate, hold, GatewaySettings.defaults());
  }

  private void start(ApprovalGate gate, Duration hold, GatewaySettings settings) {
    gateway = EgressGateway.start(Doubles.resolver(), Doubles.guard(), audit, settings, gate);
    AskMode ask =
        new AskMode.Ask(hold, (rule, scope) -> written.add(new String[] {rule, scope.name()}));
    listener =
        gateway.openTcp(
            SANDBOX, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> POLICY, ask);
  }

  String url(String host) {
    return "http://" + host + ":" + upstreams.httpPort() + "/x";
  }

  /** Sends a GET through the gateway on a client thread; the future has the response. */
  Future<RawHttp> get(String url) {
    return clients.submit(
        () -> {
          try (Socket socket = new Socket()) {
            socket.connect(listener.address(), 2000);
            socket.setSoTimeout(20_000);
            RawHttp.send(
                socket.getOutputStream(),
                "GET " + url + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return RawHttp.read(socket.getInputStream());
          }
        });
  }

  @Test
  void aHoldLongerThanTheIdleTimeoutKeepsTheConnectionForTheAnswer() throws Exception {
    gateway.close();
    start(
        approvals,
        Duration.ofMinutes(1),
        GatewaySettings.defaults().withIdleTimeout(Duration.ofMillis(300)));
    Future<RawHttp> held = get(url("other.test"));
    FakeApprovals.Opened opened = approvals.next();

    Thread.sleep(1500); // several idle timeouts pass while the human decides
    assertThat(held).as("the held connection is still open").isNotDone();
    opened.answer().complete(new ApprovalAnswer.AllowOnce());

    RawHttp response = held.get();
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).startsWith("hello /x");
  }

  @Test
  void holdsAnUndecidedHostUntilAllowedOnceThenAsksAgain() throws Exception {
    Future<RawHttp> first = get(url("other.test"));
    FakeApprovals.Opened opened = approvals.next();
    assertThat(opened.request())
        .isEqualTo(new ApprovalRequest.Host(SANDBOX.value(), "other.test", upstreams.httpPort()));
    assertThat(opened.timeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(first).isNotDone();

    opened.answer().complete(new ApprovalAnswer.AllowOnce());
    RawHttp response = first.get();
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).startsWith("hello /x");
    EgressRecord record = audit.await(1).getFirst();
    assertThat(record.decision()).isEqualTo(new EgressDecision.Allowed(Asker.ALLOWED_ONCE, false));
    assertThat(record.address()).contains("127.0.0.2");

    // Once means once: the next request asks again.
    Future<RawHttp> second = get(url("other.test"));
    approvals.next().answer().complete(new ApprovalAnswer.Deny(false));
    assertThat(second.get().status()).isEqualTo(403);
    assertThat(approvals.all).hasSize(2);
  }

  @Test
  void allowAlwaysWritesTheRuleAndLetsLaterRequestsThroughWithoutAsking() throws Exception {
    Future<RawHttp> first = get(url("other.test"));
    approvals
        .next()
        .answer()
        .complete(new ApprovalAnswer.AllowAlways(ApprovalAnswer.Scope.PROJECT));
    assertThat(first.get().status()).isEqualTo(200);
    assertThat(written)
        .singleElement()
        .satisfies(
            w -> assertThat(w).containsExactly("other.test:" + upstreams.httpPort(), "PROJECT"));

    assertThat(get(url("other.test")).get().status()).isEqualTo(200);
    assertThat(approvals.all).hasSize(1);
    List<EgressRecord> records = audit.await(2);
    assertThat(records)
        .extracting(r -> r.decision().rule())
        .containsExactlyInAnyOrder(
            "ask: allowed always other.test:" + upstreams.httpPort() + " (project)",
            "other.test:" + upstreams.httpPort() + " (approved for sandbox ask-yak-0001)");
  }

  @Test
  void allowAlwaysForTheSandboxWritesNoFile() throws Exception {
    Future<RawHttp> first = get(url("other.test"));
    approvals
        .next()
        .answer()
        .complete(new ApprovalAnswer.AllowAlways(ApprovalAnswer.Scope.SANDBOX));
    assertThat(first.get().status()).isEqualTo(200);
    assertThat(get(url("other.test")).get().status()).isEqualTo(200);
    assertThat(written).isEmpty();
    assertThat(approvals.all).hasSize(1);
  }

  @Test
  void deniedApprovalRefusesWithTheReason() throws Exception {
    Future<RawHttp> request = get(url("other.test"));
    approvals.next().answer().complete(new ApprovalAnswer.Deny(false));
    RawHttp response = request.get();
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.headers()).containsEntry("x-corral-denied", Asker.DENIED);
    assertThat(response.body()).contains("a human denied other.test:" + upstreams.httpPort());
  }

  @Test
  void unansweredApprovalExpiresAfterTheHoldAndIsWithdrawn() throws Exception {
    restart(approvals, Duration.ofMillis(300));
    Future<RawHttp> request = get(url("other.test"));
    FakeApprovals.Opened opened = approvals.next();
    RawHttp response = request.get();
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.headers()).containsEntry("x-corral-denied", Asker.EXPIRED);
    assertThat(response.body()).contains("nobody approved it within 300 ms");
    assertThat(opened.answer()).isCancelled();
  }

  @Test
  void explicitDenyRuleNeverOpensAnApproval() throws Exception {
    RawHttp response = get(url("denied.test")).get();
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.headers()).containsEntry("x-corral-denied", "denied.test:* (test)");
    assertThat(approvals.all).isEmpty();
  }

  @Test
  void approvalCannotUnlockANameThatResolvesToLoopback() throws Exception {
    Future<RawHttp> once = get(url("loopback.test"));
    approvals.next().answer().complete(new ApprovalAnswer.AllowOnce());
    RawHttp refused = once.get();
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("127.0.0.1").contains("loopback");

    Future<RawHttp> always = get(url("loopback.test"));
    approvals
        .next()
        .answer()
        .complete(new ApprovalAnswer.AllowAlways(ApprovalAnswer.Scope.SANDBOX));
    assertThat(always.get().status()).isEqualTo(403);
    // Remembered for the sandbox, yet still refused by the address check.
    assertThat(get(url("loopback.test")).get().status()).isEqualTo(403);
    assertThat(approvals.all).hasSize(2);
  }

  @Test
  void ipLiteralsAreNeverAskedAbout() throws Exception {
    RawHttp response = get("http://127.0.0.2:" + upstreams.httpPort() + "/x").get();
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.headers()).containsEntry("x-corral-denied", "default deny");
    assertThat(approvals.all).isEmpty();
  }

  @Test
  void concurrentRequestsForOneHostShareOneApproval() throws Exception {
    List<Future<RawHttp>> requests = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      requests.add(get(url("other.test")));
    }
    FakeApprovals.Opened opened = approvals.next();
    // Every request waits on the one approval before it is answered.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (listener.heldRequests() < 6 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(listener.heldRequests()).isEqualTo(6);
    opened.answer().complete(new ApprovalAnswer.AllowOnce());
    for (Future<RawHttp> request : requests) {
      assertThat(request.get().status()).isEqualTo(200);
    }
    assertThat(approvals.all).hasSize(1);
    assertThat(listener.heldRequests()).isZero();
  }

  @Test
  void tunnelsAreHeldAndAllowedToo() throws Exception {
    String authority = "other.test:" + upstreams.httpPort();
    Future<String> tunnel =
        clients.submit(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(listener.address(), 2000);
                socket.setSoTimeout(20_000);
                RawHttp.send(
                    socket.getOutputStream(),
                    "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
                String head = RawHttp.readHead(socket.getInputStream());
                RawHttp.send(
                    socket.getOutputStream(),
                    "GET /t HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n");
                return head + "|" + RawHttp.read(socket.getInputStream()).body();
              }
            });
    FakeApprovals.Opened opened = approvals.next();
    assertThat(opened.request())
        .isEqualTo(new ApprovalRequest.Host(SANDBOX.value(), "other.test", upstreams.httpPort()));
    opened.answer().complete(new ApprovalAnswer.AllowOnce());
    assertThat(tunnel.get())
        .startsWith("HTTP/1.1 200 Connection Established")
        .contains("|hello /t");
  }

  @Test
  void clientThatLeavesWithdrawsItsApproval() throws Exception {
    Socket socket = new Socket();
    socket.connect(listener.address(), 2000);
    RawHttp.send(
        socket.getOutputStream(), "GET " + url("other.test") + " HTTP/1.1\r\nHost: x\r\n\r\n");
    FakeApprovals.Opened opened = approvals.next();
    socket.close();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!opened.answer().isDone() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(opened.answer()).isCancelled();
    assertThat(audit.await(1).getFirst().decision().rule()).isEqualTo(Asker.WITHDRAWN);
  }

  @Test
  void withoutAnApproverAskModeFailsClosedAndSaysHowToFixIt() throws Exception {
    restart(ApprovalGate.DENY, Duration.ofMinutes(1));
    RawHttp response = get(url("other.test")).get();
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.headers()).containsEntry("x-corral-denied", Asker.NO_APPROVER);
    assertThat(response.body())
        .contains("ask mode has no approver: start `corral server`")
        .contains("corral policy allow other.test:" + upstreams.httpPort());
    assertThat(audit.await(1).getFirst().decision().rule()).isEqualTo(Asker.NO_APPROVER);
  }

  @Test
  void allowedHostsAreNotAskedAbout() throws Exception {
    assertThat(get(url("allowed.test")).get().status()).isEqualTo(200);
    assertThat(approvals.all).isEmpty();
  }

  @Test
  void opensApprovalsOffTheEventLoop() throws Exception {
    java.util.concurrent.CompletableFuture<Boolean> virtual =
        new java.util.concurrent.CompletableFuture<>();
    restart(
        (request, timeout) -> {
          virtual.complete(Thread.currentThread().isVirtual());
          return java.util.concurrent.CompletableFuture.completedFuture(
              new ApprovalAnswer.AllowOnce());
        },
        Duration.ofMinutes(1));
    assertThat(get(url("other.test")).get().status()).isEqualTo(200);
    assertThat(virtual.get()).as("opened on a resolver thread, not a Netty event loop").isTrue();
  }

  @Test
  void aFailingApprovalQueueDenies() throws Exception {
    restart(
        (request, timeout) -> {
          throw new IllegalStateException("queue is down");
        },
        Duration.ofMinutes(1));
    RawHttp response = get(url("other.test")).get();
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.headers()).containsEntry("x-corral-denied", Asker.WITHDRAWN);
  }
}

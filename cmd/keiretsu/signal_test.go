package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/keiretsu/keiretsu/internal/server"
)

// lockedBuffer collects a child's stderr while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveProcess starts `keiretsu serve` and waits until it accepts
// connections; the test signals and waits for the process itself.
func serveProcess(t *testing.T, args ...string) (addr string, cmd *exec.Cmd, stderr *lockedBuffer) {
	t.Helper()
	addr = freePort(t)
	cmd = exec.Command(binary, append([]string{"serve", "--addr", addr, "--log-format", "json", "--log-level", "info"}, args...)...)
	cmd.Env = append(os.Environ(), "KEIRETSU_NEO4J_URI=", "KEIRETSU_DATA=", "KEIRETSU_AUTH_TOKENS=")
	stderr = &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr, cmd, stderr
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve did not come up: %s", stderr.String())
	return "", nil, nil
}

// waitFor polls until cond holds; the bound only keeps a broken build from
// hanging the test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// exitCode waits for the process and returns its exit status.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("serve did not exit")
	}
	return cmd.ProcessState.ExitCode()
}

// startRequest sends a POST /graphql with Expect: 100-continue and holds
// its body back. The server's 100 Continue says its handler is reading the
// request, which is then in flight until finish sends the body; finish
// returns the answer.
func startRequest(t *testing.T, addr, query string) (finish func() (*http.Response, string, error)) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", addr, len(body))
	br := bufio.NewReader(conn)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != http.StatusContinue {
		t.Fatalf("want 100 Continue, got %v %v", resp, err)
	}
	return func() (*http.Response, string, error) {
		if _, err := conn.Write(body); err != nil {
			return nil, "", err
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, string(b), err
	}
}

// TestSIGTERMDrains: on SIGTERM the serve stops accepting connections, the
// request in flight is answered in full, and the process exits 0; a request
// still in flight when --grace runs out is cut off and the exit says so.
func TestSIGTERMDrains(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	if r := keiretsu(t, verdictData, "ingest", data, "-"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	screen := `{ screenEntity(id: "sub", asOf: "2024-01-01", regimes: ["US-OFAC-SDN"]) { verdict } }`

	t.Run("drained", func(t *testing.T) {
		addr, cmd, stderr := serveProcess(t, "--data", data, "--grace", "30s")
		finish := startRequest(t, addr, screen)
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the listener to close", func() bool {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
			}
			return err != nil
		})
		resp, body, err := finish()
		if err != nil {
			t.Fatalf("the request in flight at SIGTERM was not answered: %v\n%s", err, stderr)
		}
		if resp.StatusCode != 200 || !strings.Contains(body, `"verdict":"EXPOSED"`) {
			t.Errorf("the request in flight at SIGTERM: %d %s", resp.StatusCode, body)
		}
		if code := exitCode(t, cmd); code != 0 {
			t.Errorf("exit %d after a drained SIGTERM, want 0\n%s", code, stderr)
		}
		if s := stderr.String(); strings.Contains(s, "panic") || strings.Contains(s, `"level":"error"`) {
			t.Errorf("stderr: %s", s)
		}
	})

	t.Run("grace runs out", func(t *testing.T) {
		addr, cmd, stderr := serveProcess(t, "--data", data, "--grace", "300ms")
		finish := startRequest(t, addr, screen) // never finished before the exit
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if code := exitCode(t, cmd); code != 1 {
			t.Errorf("exit %d with a request held past --grace, want 1", code)
		}
		if s := stderr.String(); !strings.Contains(s, "requests still running after 300ms") {
			t.Errorf("stderr does not say why: %s", s)
		}
		if _, _, err := finish(); err == nil {
			t.Error("the request held past --grace was answered after the exit")
		}
	})
}

// selfSigned writes a self-signed certificate for 127.0.0.1 with the given
// serial number and its key, and returns the certificate.
func selfSigned(t *testing.T, certFile, keyFile string, serial int64) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: "keiretsu test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// TestSIGHUPReloads: SIGHUP reads the --auth-tokens file and the TLS key
// pair again: a token added to the file is let in and one removed is
// refused, new connections get the renewed certificate, and a file that no
// longer reads leaves the previous tokens and certificate in use.
func TestSIGHUPReloads(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "store")
	if r := keiretsu(t, verdictData, "ingest", data, "-"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	tokens := filepath.Join(dir, "tokens")
	alice, bob := server.NewToken(), server.NewToken()
	writeFile(t, dir, "tokens", "alice screen "+server.HashToken(alice)+"\n")
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	roots := x509.NewCertPool()
	roots.AddCert(selfSigned(t, certFile, keyFile, 1))

	addr, cmd, stderr := serveProcess(t, "--data", data, "--auth-tokens", tokens, "--tls-cert", certFile, "--tls-key", keyFile)
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots},
		DisableKeepAlives: true, // every request a new handshake, so a reload shows at once
	}}
	// ask screens as token and returns the status and the serial number of
	// the certificate the server presented.
	ask := func(token string) (status int, serial int64) {
		t.Helper()
		body := `{"query":"{ screenEntity(id: \"sub\", asOf: \"2024-01-01\", regimes: [\"US-OFAC-SDN\"]) { verdict } }"}`
		req, _ := http.NewRequest("POST", "https://"+addr+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request: %v\n%s", err, stderr)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == 200 && !strings.Contains(string(b), `"EXPOSED"`) {
			t.Errorf("answer: %s", b)
		}
		return resp.StatusCode, resp.TLS.PeerCertificates[0].SerialNumber.Int64()
	}
	hup := func(message string) {
		t.Helper()
		before := strings.Count(stderr.String(), message)
		if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		waitFor(t, message, func() bool { return strings.Count(stderr.String(), message) > before })
	}
	check := func(when string, wantAlice, wantBob int, wantSerial int64) {
		t.Helper()
		a, serial := ask(alice)
		b, _ := ask(bob)
		if a != wantAlice || b != wantBob || serial != wantSerial {
			t.Errorf("%s: alice %d, bob %d, certificate %d; want %d, %d, %d", when, a, b, serial, wantAlice, wantBob, wantSerial)
		}
	}
	check("at start", 200, 401, 1)

	writeFile(t, dir, "tokens", "bob screen "+server.HashToken(bob)+"\n")
	roots.AddCert(selfSigned(t, certFile, keyFile, 2))
	hup(`"message":"tokens reloaded"`)
	waitFor(t, "the key pair reload", func() bool { return strings.Contains(stderr.String(), `"message":"tls key pair reloaded"`) })
	check("after SIGHUP", 401, 200, 2)

	writeFile(t, dir, "tokens", "bob superuser "+server.HashToken(bob)+"\n")
	writeFile(t, dir, "key.pem", "not a key\n")
	hup(`"message":"tokens not reloaded; the previous ones stay in use"`)
	waitFor(t, "the key pair refusal", func() bool {
		return strings.Contains(stderr.String(), `"message":"tls key pair not reloaded; the previous one stays in use"`)
	})
	check("after SIGHUP with broken files", 401, 200, 2)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(t, cmd); code != 0 {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

// Exported by edgebench from scenario 'default' (seed 42): open model,
// 200 req/s per generator, keep-alive connections reused by k6's VUs.
// Run: k6 run --out json=points.json THIS_FILE; then: edgebench import points.json
// (Not run by edgebench's own tests: k6 was not installable there; the script is checked as JavaScript.)
// 'overhead.p50 < 1ms' is not checked by the engine (a paired overhead needs both deployments' rounds): `edgebench import` evaluates it
import http from "k6/http";

const REQUEST = {"method":"GET","path":"/","host":"app.example.com","body":null};

export const options = {
  "discardResponseBodies": true,
  "summaryTrendStats": [
    "avg",
    "min",
    "med",
    "max",
    "p(90)",
    "p(99)",
    "p(99.9)",
    "count"
  ],
  "scenarios": {
    "edge_r0": {
      "executor": "constant-arrival-rate",
      "rate": 200,
      "timeUnit": "1s",
      "preAllocatedVUs": 8,
      "maxVUs": 8,
      "startTime": "0ms",
      "duration": "500ms",
      "gracefulStop": "1000ms",
      "env": {
        "EDGEBENCH_URL": "http://127.0.0.1:5000"
      },
      "tags": {
        "deployment": "edge",
        "round": "0",
        "position": "0",
        "measured": "false",
        "planned_ms": "500",
        "connections": "8",
        "rate": "200"
      }
    },
    "proxied_r0": {
      "executor": "constant-arrival-rate",
      "rate": 200,
      "timeUnit": "1s",
      "preAllocatedVUs": 8,
      "maxVUs": 8,
      "startTime": "1500ms",
      "duration": "500ms",
      "gracefulStop": "1000ms",
      "env": {
        "EDGEBENCH_URL": "http://127.0.0.1:8080"
      },
      "tags": {
        "deployment": "proxied",
        "round": "0",
        "position": "1",
        "measured": "false",
        "planned_ms": "500",
        "connections": "8",
        "rate": "200"
      }
    },
    "edge_r1": {
      "executor": "constant-arrival-rate",
      "rate": 200,
      "timeUnit": "1s",
      "preAllocatedVUs": 8,
      "maxVUs": 8,
      "startTime": "3000ms",
      "duration": "2000ms",
      "gracefulStop": "1000ms",
      "env": {
        "EDGEBENCH_URL": "http://127.0.0.1:5000"
      },
      "tags": {
        "deployment": "edge",
        "round": "1",
        "position": "0",
        "measured": "true",
        "planned_ms": "2000",
        "connections": "8",
        "rate": "200"
      }
    },
    "proxied_r1": {
      "executor": "constant-arrival-rate",
      "rate": 200,
      "timeUnit": "1s",
      "preAllocatedVUs": 8,
      "maxVUs": 8,
      "startTime": "6000ms",
      "duration": "2000ms",
      "gracefulStop": "1000ms",
      "env": {
        "EDGEBENCH_URL": "http://127.0.0.1:8080"
      },
      "tags": {
        "deployment": "proxied",
        "round": "1",
        "position": "1",
        "measured": "true",
        "planned_ms": "2000",
        "connections": "8",
        "rate": "200"
      }
    },
    "proxied_r2": {
      "executor": "constant-arrival-rate",
      "rate": 200,
      "timeUnit": "1s",
      "preAllocatedVUs": 8,
      "maxVUs": 8,
      "startTime": "9000ms",
      "duration": "2000ms",
      "gracefulStop": "1000ms",
      "env": {
        "EDGEBENCH_URL": "http://127.0.0.1:8080"
      },
      "tags": {
        "deployment": "proxied",
        "round": "2",
        "position": "0",
        "measured": "true",
        "planned_ms": "2000",
        "connections": "8",
        "rate": "200"
      }
    },
    "edge_r2": {
      "executor": "constant-arrival-rate",
      "rate": 200,
      "timeUnit": "1s",
      "preAllocatedVUs": 8,
      "maxVUs": 8,
      "startTime": "12000ms",
      "duration": "2000ms",
      "gracefulStop": "1000ms",
      "env": {
        "EDGEBENCH_URL": "http://127.0.0.1:5000"
      },
      "tags": {
        "deployment": "edge",
        "round": "2",
        "position": "1",
        "measured": "true",
        "planned_ms": "2000",
        "connections": "8",
        "rate": "200"
      }
    },
    "edge_r3": {
      "executor": "constant-arrival-rate",
      "rate": 200,
      "timeUnit": "1s",
      "preAllocatedVUs": 8,
      "maxVUs": 8,
      "startTime": "15000ms",
      "duration": "2000ms",
      "gracefulStop": "1000ms",
      "env": {
        "EDGEBENCH_URL": "http://127.0.0.1:5000"
      },
      "tags": {
        "deployment": "edge",
        "round": "3",
        "position": "0",
        "measured": "true",
        "planned_ms": "2000",
        "connections": "8",
        "rate": "200"
      }
    },
    "proxied_r3": {
      "executor": "constant-arrival-rate",
      "rate": 200,
      "timeUnit": "1s",
      "preAllocatedVUs": 8,
      "maxVUs": 8,
      "startTime": "18000ms",
      "duration": "2000ms",
      "gracefulStop": "1000ms",
      "env": {
        "EDGEBENCH_URL": "http://127.0.0.1:8080"
      },
      "tags": {
        "deployment": "proxied",
        "round": "3",
        "position": "1",
        "measured": "true",
        "planned_ms": "2000",
        "connections": "8",
        "rate": "200"
      }
    }
  },
  "thresholds": {
    "http_req_duration{deployment:proxied,measured:true}": [
      "p(99)<5"
    ]
  }
};

export default function () {
  http.request(REQUEST.method, __ENV.EDGEBENCH_URL + REQUEST.path, REQUEST.body, { headers: { Host: REQUEST.host } });
}

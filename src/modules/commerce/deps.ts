import type { Config } from "../../platform/config";
import type { Connector } from "./connectors/contract";
import { EventbriteConnector } from "./connectors/eventbrite";
import type { PaymentGateway } from "./payments/gateway";
import { SandboxGateway } from "./payments/sandbox";
import { StripeGateway } from "./payments/stripe";

/**
 * The outside world the workflows talk to, passed in explicitly (tests give
 * their own, pointed at local fakes): a payment gateway per `payments.gateway`
 * name, and a connector per event `source` for availability.
 */
export interface CommerceDeps {
  gateways: Record<string, PaymentGateway>;
  connectors: Record<string, Connector>;
}

const byConfig = new WeakMap<Config, CommerceDeps>();

export function commerceDeps(config: Config): CommerceDeps {
  let deps = byConfig.get(config);
  if (!deps) {
    const gateways: Record<string, PaymentGateway> = { sandbox: new SandboxGateway() };
    if (config.stripeSecretKey) gateways.stripe = new StripeGateway({ secretKey: config.stripeSecretKey, baseUrl: config.stripeApiBase });
    const connectors: Record<string, Connector> = {};
    if (config.eventbriteToken && config.eventbriteOrganizationId) {
      connectors.eventbrite = new EventbriteConnector({
        token: config.eventbriteToken,
        organizationId: config.eventbriteOrganizationId,
        baseUrl: config.eventbriteApiBase,
      });
    }
    deps = { gateways, connectors };
    byConfig.set(config, deps);
  }
  return deps;
}

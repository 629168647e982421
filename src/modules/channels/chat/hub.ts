/**
 * The chat sockets connected to this process: fans by their conversation
 * (ticket), agents by workspace (to know whether anyone is online). In one
 * process (`usher start`) this is all there is; with several processes a
 * reply is pushed by whichever process runs the delivery job, so fans'
 * sockets should be pinned to it (documented in docs/channels.md).
 */
export interface ChatPeer {
  send(event: Record<string, unknown>): void;
}

const fans = new Map<string, Set<ChatPeer>>();
const agents = new Map<string, Set<ChatPeer>>();

function add(map: Map<string, Set<ChatPeer>>, key: string, peer: ChatPeer): () => void {
  const set = map.get(key) ?? new Set();
  set.add(peer);
  map.set(key, set);
  return () => {
    set.delete(peer);
    if (set.size === 0) map.delete(key);
  };
}

export const chatHub = {
  joinConversation: (ticketId: string, peer: ChatPeer) => add(fans, ticketId, peer),
  agentOnline: (workspaceId: string, peer: ChatPeer) => add(agents, workspaceId, peer),
  agentsOnline: (workspaceId: string) => agents.get(workspaceId)?.size ?? 0,
  notifyAgents(workspaceId: string, event: Record<string, unknown>): void {
    for (const peer of agents.get(workspaceId) ?? []) peer.send(event);
  },
  /** Sends to every socket of the conversation; how many got it. */
  push(ticketId: string, event: Record<string, unknown>): number {
    const peers = fans.get(ticketId);
    if (!peers) return 0;
    for (const peer of peers) peer.send(event);
    return peers.size;
  },
};

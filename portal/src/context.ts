import { createContext, useContext } from 'react';
import type { Api } from './api/client';
import type { Session } from './auth/session';

export interface PortalContext {
  api: Api;
  session: Session;
}

export const Portal = createContext<PortalContext | undefined>(undefined);

export function usePortal(): PortalContext {
  const value = useContext(Portal);
  if (!value) throw new Error('usePortal outside the signed-in portal');
  return value;
}
